"""Permission denials per role, per event and per route, following the clinic's default policy.

The expected table is written out here from the issue (not read from hub.auth.permissions),
so a change of policy in the code has to be a deliberate change of this table too.
"""

import pytest

from tests.app.support import SYSTEM, appointment_data, dump, refusal, status_of
from tests.conftest import call, doctor_data, patient_data

ROLES = ("admin", "reception", "doctor")
# resource -> action -> roles allowed (display: none of these; it may only use the queue)
EXPECTED = {
    "patients": {"create": {"admin", "reception"}, "get": set(ROLES), "list": set(ROLES), "update": set(ROLES),
                 "delete": {"admin", "reception"}},
    "doctors": {"create": {"admin"}, "get": set(ROLES), "list": set(ROLES), "update": {"admin"}, "delete": {"admin"}},
    "appointments": {"create": set(ROLES), "get": set(ROLES), "list": set(ROLES), "update": set(ROLES),
                     "delete": {"admin", "reception"}},
}
PAIRS = [(role, resource) for resource in EXPECTED for role in ROLES]


async def request(clinic, role, resource, action):
    """A request that succeeds for an allowed role; ``delete`` gets a fresh record of its own."""
    services = clinic.hub.services
    if resource == "patients":
        record, create = clinic.patient, patient_data(national_id="Y0000000Z")
        change = {"phone": "+34 600 000 000"} if role == "reception" else {"medical_history": "Nota"}
        fresh = lambda: services.patients.create(SYSTEM, patient_data(national_id="X1234567L"))  # noqa: E731
    elif resource == "doctors":
        record, create, change = clinic.doctor, doctor_data(last_name="Nuevo"), {"room": "Consulta 8"}
        fresh = lambda: services.doctors.create(SYSTEM, doctor_data(last_name="Libre"))  # noqa: E731
    else:
        record, create = clinic.own_appointment, appointment_data(clinic.patient, clinic.doctor)
        change = {"notes": "Trae análisis"}
        fresh = lambda: services.appointments.create(SYSTEM, appointment_data(clinic.patient, clinic.doctor))  # noqa: E731
    if action == "create":
        return create
    if action == "list":
        return {}
    if action == "delete":
        return {"id": (await fresh())["id"]}
    return {"id": record["id"], "data": change} if action == "update" else {"id": record["id"]}


@pytest.mark.parametrize("role, resource", PAIRS)
async def test_socket_events_per_role_follow_the_policy(clinic, subtests, role, resource):
    namespace = f"/{resource}"
    client = await clinic.connect(role, namespace)
    for action, allowed_roles in EXPECTED[resource].items():
        with subtests.test(action=action):
            data = await request(clinic, role, resource, action)
            before = await dump(clinic.hub)
            ack = await call(client, namespace, action, data)
            if role in allowed_roles:
                assert ack["ok"] is True, ack
            else:
                assert ack["ok"] is False and ack["error"]["code"] == "forbidden", ack
                assert await dump(clinic.hub) == before


REST = {"create": ("POST", False), "get": ("GET", True), "list": ("GET", False), "update": ("PATCH", True),
        "delete": ("DELETE", True)}


@pytest.mark.parametrize("role, resource", PAIRS)
async def test_rest_routes_per_role_follow_the_policy(clinic, subtests, role, resource):
    for action, allowed_roles in EXPECTED[resource].items():
        with subtests.test(action=action):
            data = await request(clinic, role, resource, action)
            method, item = REST[action]
            path = f"/{resource}/{data['id']}" if item else f"/{resource}"
            body = data.get("data") if action == "update" else (data if action == "create" else None)
            before = await dump(clinic.hub)
            resp = await clinic.hub.http.request(method, f"{clinic.hub.url}{path}", json=body,
                                                 headers=clinic.headers(role))
            if role in allowed_roles:
                assert resp.status in (200, 201), await resp.text()
                await resp.read()
            else:
                assert resp.status == 403, await resp.text()
                assert (await resp.json())["error"]["code"] == "forbidden"
                assert await dump(clinic.hub) == before


async def test_rest_display_role_is_forbidden_everywhere_but_me(clinic, subtests):
    pid = clinic.patient["id"]
    for method, path in [("GET", "/patients"), ("GET", "/doctors"), ("GET", "/appointments"), ("GET", "/users"),
                         ("POST", "/patients"), ("GET", "/patients/search?q=jose"), ("GET", f"/patients/{pid}"),
                         ("PATCH", f"/patients/{pid}"), ("DELETE", f"/patients/{pid}"), ("POST", "/auth/register")]:
        with subtests.test(method=method, path=path):
            request = clinic.hub.http.request(method, f"{clinic.hub.url}{path}", json={},
                                              headers=clinic.headers("display"))
            assert await status_of(request) == 403
    assert await status_of(clinic.hub.http.get(f"{clinic.hub.url}/auth/me", headers=clinic.headers("display"))) == 200


@pytest.mark.parametrize("role", ["reception", "doctor", "display"])
async def test_rest_users_routes_are_admin_only(clinic, subtests, role):
    target = clinic.users["reception"]["id"]
    for method in ("GET", "POST", "GET_ITEM", "PUT", "PATCH", "DELETE"):
        with subtests.test(method=method):
            path = "/users" if method in ("GET", "POST") else f"/users/{target}"
            before = await dump(clinic.hub)
            request = clinic.hub.http.request(method.removesuffix("_ITEM"), f"{clinic.hub.url}{path}",
                                              json={"last_name": "X"}, headers=clinic.headers(role))
            assert await status_of(request) == 403
            assert await dump(clinic.hub) == before


@pytest.mark.parametrize("namespace", ["/patients", "/doctors", "/appointments"])
async def test_socket_display_role_cannot_connect_to_record_namespaces(clinic, namespace):
    assert (await refusal(clinic.hub, namespace, {"token": clinic.token("display")}))["message"] == "forbidden"


@pytest.mark.parametrize("role, sees", [("admin", True), ("doctor", True), ("reception", False)])
async def test_medical_history_is_visible_only_to_doctors_and_admins(clinic, role, sees):
    pid = clinic.patient["id"]
    client = await clinic.connect(role, "/patients")
    views = [
        (await call(client, "/patients", "get", {"id": pid}))["data"],
        (await call(client, "/patients", "list", {}))["data"][0],
        (await call(client, "/patients", "search", {"q": "jose"}))["data"][0],
    ]
    resp = await clinic.hub.http.get(f"{clinic.hub.url}/patients/{pid}", headers=clinic.headers(role))
    views.append(await resp.json())
    for view in views:
        assert ("medical_history" in view) is sees
        if sees:
            assert view["medical_history"] == "Alergia a la penicilina"


async def test_medical_history_is_not_in_reception_write_answers(clinic):
    client = await clinic.connect("reception", "/patients")
    created = (await call(client, "/patients", "create", patient_data(national_id="X1234567L")))["data"]
    updated = (await call(client, "/patients", "update", {"id": clinic.patient["id"], "data": {"phone": "+34 611 222 333"}}))
    assert "medical_history" not in created
    assert "medical_history" not in updated["data"]


async def test_reception_cannot_write_medical_history(clinic):
    client = await clinic.connect("reception", "/patients")
    ack = await call(client, "/patients", "update", {"id": clinic.patient["id"], "data": {"medical_history": "x"}})
    assert ack["error"]["code"] == "forbidden"
    assert "medical_history" in ack["error"]["fields"]
    ack = await call(client, "/patients", "create", patient_data(national_id="X1234567L", medical_history="x"))
    assert ack["error"]["code"] == "forbidden"
    assert (await clinic.hub.store.get("patients", clinic.patient["id"]))["medical_history"] == "Alergia a la penicilina"


async def test_doctor_may_update_only_medical_history_of_a_patient(clinic):
    client = await clinic.connect("doctor", "/patients")
    ok = await call(client, "/patients", "update", {"id": clinic.patient["id"], "data": {"medical_history": "Asma leve"}})
    assert ok["ok"] is True and ok["data"]["medical_history"] == "Asma leve"
    ack = await call(client, "/patients", "update", {"id": clinic.patient["id"], "data": {"first_name": "Pepe"}})
    assert ack["error"]["code"] == "forbidden"
    assert ack["error"]["fields"] == {"first_name": ["Not writable by doctors."]}


async def test_doctor_lists_only_own_appointments(clinic):
    client = await clinic.connect("doctor", "/appointments")
    mine = (await call(client, "/appointments", "list", {}))["data"]
    assert [a["id"] for a in mine] == [clinic.own_appointment["id"]]
    resp = await clinic.hub.http.get(f"{clinic.hub.url}/appointments", headers=clinic.headers("doctor"))
    assert [a["id"] for a in await resp.json()] == [clinic.own_appointment["id"]]


async def test_doctor_filtering_by_another_doctor_is_forbidden(clinic):
    client = await clinic.connect("doctor", "/appointments")
    ack = await call(client, "/appointments", "list", {"doctor_id": clinic.other_doctor["id"]})
    assert ack["error"]["code"] == "forbidden"


async def test_doctor_cannot_read_or_change_another_doctors_appointment(clinic):
    client = await clinic.connect("doctor", "/appointments")
    other = clinic.other_appointment["id"]
    before = await dump(clinic.hub)
    assert (await call(client, "/appointments", "get", {"id": other}))["error"]["code"] == "forbidden"
    assert (await call(client, "/appointments", "update", {"id": other, "data": {"notes": "x"}}))["error"]["code"] == "forbidden"
    assert await status_of(clinic.hub.http.get(f"{clinic.hub.url}/appointments/{other}",
                                               headers=clinic.headers("doctor"))) == 403
    many = await call(client, "/appointments", "get_many", {"ids": [other, clinic.own_appointment["id"]]})
    assert [a["id"] for a in many["data"]] == [clinic.own_appointment["id"]]  # another doctor's is left out
    assert await dump(clinic.hub) == before


async def test_doctor_cannot_book_for_or_move_to_another_doctor(clinic):
    client = await clinic.connect("doctor", "/appointments")
    before = await dump(clinic.hub)
    ack = await call(client, "/appointments", "create", appointment_data(clinic.patient, clinic.other_doctor))
    assert ack["error"]["code"] == "forbidden"
    ack = await call(client, "/appointments", "update",
                     {"id": clinic.own_appointment["id"], "data": {"doctor_id": clinic.other_doctor["id"]}})
    assert ack["error"]["code"] == "forbidden"
    assert await dump(clinic.hub) == before
