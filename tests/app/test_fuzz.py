"""A few hundred malformed payloads against every event and route: the hub keeps answering,
never answers `internal`/500, and the stored data is exactly what it was."""

import random

from yarl import URL

from tests.app.support import NAMESPACES, dump, status_of
from tests.conftest import call, doctor_data, patient_data

SEED = 20260504
EVENTS = {"/patients": ("create", "get", "list", "update", "delete", "search"),
          "/doctors": ("create", "get", "list", "update", "delete"),
          "/appointments": ("create", "get", "list", "update", "delete")}
FIELDS = ("national_id", "first_name", "last_name", "birth_date", "gender", "phone", "email", "medical_history",
          "specialty", "slot_minutes", "schedule", "weekly", "exceptions", "patient_id", "doctor_id", "start",
          "duration_minutes", "reason", "status", "notes", "skip", "limit", "date", "from", "to", "q", "id", "data",
          "version", "role", "password", "active", "")
STRINGS = ("", " ", "\t\n", "null", "None", "0", "-1", "1e309", "NaN", "true", "[]", "{}", "' OR 1=1 --",
           "%", "_", "\\", "\x00", "\u200b", "ñ" * 37, "José Ñúñez", "𝔘𝔫𝔦𝔠𝔬𝔡𝔢 😷", "ﷺ", "\u202eevil", "e\u0301",
           "2026-02-30", "2026-03-29T02:30:00", "25:00", "12345678A", "X1234567L ", "<script>", "a" * 300)


class Junk:
    def __init__(self, seed: int, *, big_ints: bool = True) -> None:
        self.rng = random.Random(seed)
        # In-process, python-socketio's packets share the hub's orjson codec, which cannot encode
        # integers beyond 64 bits; REST requests (std json) still send them.
        self.ints = (0, -1, 1, 2**31, 2**63 - 1, -(2**63)) + ((2**70, 10**30) if big_ints else ())

    def scalar(self):
        pick = self.rng.randrange(9)
        if pick == 0:
            return None
        if pick == 1:
            return self.rng.choice((True, False))
        if pick == 2:
            return self.rng.choice(self.ints)
        if pick == 3:
            return self.rng.choice((0.5, -0.0, 1e308, 3.14159, -1e-300))
        if pick == 4:
            return "".join(chr(self.rng.randrange(32, 0x2FFF)) for _ in range(self.rng.randrange(1, 40)))
        if pick == 5:
            return "x" * self.rng.choice((101, 501, 2001, 20_001, 60_000))
        return self.rng.choice(STRINGS)

    def value(self, depth: int = 0):
        if depth > 3 or self.rng.random() < 0.55:
            return self.scalar()
        if self.rng.random() < 0.5:
            return [self.value(depth + 1) for _ in range(self.rng.randrange(0, 5))]
        return {self.key(): self.value(depth + 1) for _ in range(self.rng.randrange(0, 5))}

    def key(self):
        return self.rng.choice(FIELDS) if self.rng.random() < 0.7 else str(self.scalar())[:40]

    def mutated(self, valid: dict) -> dict:
        """A valid record with junk in some fields and always one unknown key, so it can never be stored."""
        data = dict(valid)
        for field in self.rng.sample(sorted(data), self.rng.randrange(1, len(data) + 1)):
            data[field] = self.value(1)
        data[f"zz_{self.rng.randrange(10**6)}"] = self.value(1)
        return data

    def payload(self, event: str, record_id: str, valid: dict):
        shape = self.rng.randrange(6)
        if shape == 0:
            return self.value()
        if shape == 1:
            return {self.key(): self.value(1) for _ in range(self.rng.randrange(1, 6))}
        if event == "create":
            return self.mutated(valid)
        if event == "update":
            inner = self.mutated(valid) if shape < 4 else self.value(1)
            return {"id": self.rng.choice((record_id, self.scalar())), "data": inner, **self.extra()}
        if event in ("get", "delete"):
            return {"id": self.scalar(), **self.extra()}
        return {self.rng.choice(("skip", "limit", "q", "date", "from", "to", "specialty", "doctor_id")): self.value(1)}

    def extra(self):
        return {"version": self.value(1)} if self.rng.random() < 0.3 else {}


def valid_for(clinic, namespace):
    return {"/patients": patient_data(national_id="Y0000000Z"), "/doctors": doctor_data(),
            "/appointments": {"patient_id": clinic.patient["id"], "doctor_id": clinic.doctor["id"],
                              "start": "2026-05-08T10:00:00Z", "reason": "Revisión"}}[namespace]


def record_for(clinic, namespace):
    return {"/patients": clinic.patient, "/doctors": clinic.doctor, "/appointments": clinic.own_appointment}[namespace]["id"]


async def test_fuzz_socket_events_never_crash_never_write(clinic):
    junk = Junk(SEED, big_ints=False)
    before = await dump(clinic.hub)
    clients = {ns: await clinic.connect("admin", ns) for ns in NAMESPACES}
    desk = await clinic.connect("reception", "/patients")
    codes = set()
    for i in range(360):
        namespace = NAMESPACES[i % 3]
        event = junk.rng.choice(EVENTS[namespace])
        payload = junk.payload(event, record_for(clinic, namespace), valid_for(clinic, namespace))
        client = desk if namespace == "/patients" and i % 5 == 0 else clients[namespace]
        ack = await call(client, namespace, event, payload)
        assert isinstance(ack, dict) and isinstance(ack.get("ok"), bool), (event, payload, ack)
        if not ack["ok"]:
            codes.add(ack["error"]["code"])
            assert ack["error"]["code"] != "internal", (namespace, event, payload, ack)
        else:
            assert event in ("list", "search", "get"), (namespace, event, payload, ack)
    assert {"invalid", "malformed"} <= codes
    assert await dump(clinic.hub) == before
    for namespace, client in clients.items():
        assert client.connected
        assert (await call(client, namespace, "list", {}))["ok"] is True
    created = await call(clients["/patients"], "/patients", "create", patient_data(national_id="Y0000000Z"))
    assert created["ok"] is True


async def test_fuzz_rest_routes_never_500_never_write(clinic):
    junk = Junk(SEED + 1)
    before = await dump(clinic.hub)
    http, base = clinic.hub.http, URL(clinic.hub.url)
    statuses = set()
    for i in range(240):
        resource = ("patients", "doctors", "appointments", "users")[i % 4]
        namespace = f"/{resource}"
        method = junk.rng.choice(("GET", "POST", "GET_ITEM", "PUT", "PATCH", "DELETE", "SEARCH"))
        valid = valid_for(clinic, namespace) if resource != "users" else {"email": "f@clinic.test", "first_name": "F",
                                                                            "last_name": "Z", "role": "display",
                                                                            "password": "long-password-9"}
        record_id = record_for(clinic, namespace) if resource != "users" else clinic.users["reception"]["id"]
        item_id = junk.rng.choice((record_id, str(junk.scalar())[:50] or "x"))
        headers = dict(clinic.headers(junk.rng.choice(("admin", "admin", "reception"))))
        if junk.rng.random() < 0.25:
            headers["If-Match"] = str(junk.scalar())[:30].replace("\n", " ").replace("\x00", "") or "0"
        kwargs = {}
        body = junk.mutated(valid) if junk.rng.random() < 0.5 else junk.value()
        if junk.rng.random() < 0.15:
            kwargs["data"] = junk.rng.choice((b"{", b"\xff\xfe", b'{"a": NaN}', b'"\\ud800"', b"[" * 2000))
            headers["Content-Type"] = "application/json"
        else:
            kwargs["json"] = body
        if method == "GET":
            url = base / resource % {str(junk.key()): str(junk.scalar())[:60] for _ in range(junk.rng.randrange(1, 4))}
            resp = await http.get(url, headers=headers)
        elif method == "SEARCH":
            url = (base / "patients" / "search") % {"q": str(junk.scalar())[:150], **({"limit": "999"} if i % 7 == 0 else {})}
            resp = await http.get(url, headers=headers)
        elif method == "POST":
            resp = await http.post(base / resource, headers=headers, **kwargs)
        elif method == "GET_ITEM":
            resp = await http.get(base / resource / item_id, headers=headers)
        elif method == "DELETE":
            if item_id == record_id:
                headers["If-Match"] = "999"
            resp = await http.delete(base / resource / item_id, headers=headers)
        else:
            if item_id == record_id and "json" in kwargs and isinstance(kwargs["json"], dict):
                kwargs["json"] = {**kwargs["json"], "zz_unknown": 1}
            resp = await http.request(method, base / resource / item_id, headers=headers, **kwargs)
        text = await resp.text()
        assert resp.status < 500, (method, resource, kwargs, text)
        assert resp.content_type == "application/json", text
        statuses.add(resp.status)
    for body in ({"email": 1, "password": 2}, [], {"email": ["x"]}, "text", {"username": {}, "password": None}):
        assert await status_of(http.post(base / "auth" / "login", json=body)) in (400, 401)
    assert {400, 404, 422} <= statuses
    assert await dump(clinic.hub) == before
    assert await status_of(http.get(base / "readyz")) == 200
