"""Unique national IDs and emails, and versions, hold under concurrent writers."""

import asyncio
import collections

from hub.store.query import Query
from tests.app.support import status_of
from tests.conftest import call, patient_data


async def test_twenty_concurrent_creates_of_one_national_id_exactly_one_succeeds(clinic):
    clients = [await clinic.connect("reception", "/patients") for _ in range(4)]
    spellings = ["X1234567L", "x1234567l", " X-1234567-L ", "x.1234567.L"]
    acks = await asyncio.gather(*(
        call(clients[i % 4], "/patients", "create", patient_data(national_id=spellings[i % 4], first_name=f"N{i}"))
        for i in range(20)
    ))
    outcomes = collections.Counter("ok" if a["ok"] else a["error"]["code"] for a in acks)
    assert outcomes == {"ok": 1, "conflict": 19}
    stored = [p for p in await clinic.hub.store.list("patients", Query()) if p["national_id"] == "X1234567L"]
    assert len(stored) == 1


async def test_concurrent_creates_over_rest_and_socket_exactly_one_succeeds(clinic):
    client = await clinic.connect("reception", "/patients")
    url, headers = f"{clinic.hub.url}/patients", clinic.headers("reception")

    async def over_rest(i):
        return await status_of(clinic.hub.http.post(url, json=patient_data(national_id="Y0000000Z", first_name=f"R{i}"),
                                                     headers=headers))

    results = await asyncio.gather(*(over_rest(i) for i in range(10)), *(
        call(client, "/patients", "create", patient_data(national_id="y0000000z", first_name=f"S{i}")) for i in range(10)))
    outcomes = collections.Counter(
        ("ok" if r == 201 else r) if isinstance(r, int) else ("ok" if r["ok"] else r["error"]["code"]) for r in results
    )
    assert outcomes["ok"] == 1
    assert outcomes[409] + outcomes["conflict"] == 19


async def test_concurrent_registrations_of_one_email_exactly_one_succeeds(clinic):
    headers = clinic.headers("admin")

    async def register(i):
        body = {"email": "Twin@Clinic.test" if i % 2 else "twin@clinic.test", "first_name": f"T{i}",
                "last_name": "Twin", "role": "reception", "password": "a-long-password-1"}
        return await status_of(clinic.hub.http.post(f"{clinic.hub.url}/auth/register", json=body, headers=headers))

    statuses = collections.Counter(await asyncio.gather(*(register(i) for i in range(20))))
    assert statuses == {201: 1, 409: 19}


async def test_concurrent_updates_with_the_same_version_exactly_one_wins(clinic):
    client = await clinic.connect("admin", "/patients")
    pid = clinic.patient["id"]
    acks = await asyncio.gather(*(
        call(client, "/patients", "update", {"id": pid, "data": {"address": f"Calle {i}"}, "version": 1})
        for i in range(10)
    ))
    outcomes = collections.Counter("ok" if a["ok"] else a["error"]["code"] for a in acks)
    assert outcomes == {"ok": 1, "version_conflict": 9}
    assert (await clinic.hub.store.get("patients", pid))["version"] == 2


async def test_concurrent_updates_without_version_all_apply_in_turn(clinic):
    client = await clinic.connect("admin", "/doctors")
    did = clinic.doctor["id"]
    acks = await asyncio.gather(*(
        call(client, "/doctors", "update", {"id": did, "data": {"room": f"Consulta {i}"}}) for i in range(12)
    ))
    assert all(a["ok"] for a in acks), acks
    assert sorted(a["data"]["version"] for a in acks) == list(range(2, 14))



async def test_concurrent_appointment_updates_without_version_all_apply_in_turn(clinic):
    client = await clinic.connect("reception", "/appointments")
    aid = clinic.own_appointment["id"]
    acks = await asyncio.gather(*(
        call(client, "/appointments", "update", {"id": aid, "data": {"notes": f"Nota {i}"}}) for i in range(12)
    ))
    assert all(a["ok"] for a in acks), [a for a in acks if not a["ok"]]
    assert sorted(a["data"]["version"] for a in acks) == list(range(2, 14))
