"""List filters, the same over socket `list` and REST query strings (P15: midnight)."""

import pytest

from tests.app.support import SYSTEM, appointment_data, dni
from tests.conftest import call, doctor_data, patient_data


async def rest(clinic, path, role="admin", **params):
    resp = await clinic.hub.http.get(f"{clinic.hub.url}{path}", params=params, headers=clinic.headers(role))
    return resp.status, await resp.json()


async def add_patients(clinic, count):
    for i in range(count):
        await clinic.hub.services.patients.create(SYSTEM, patient_data(national_id=dni(20_000_000 + i),
                                                                        last_name=f"Apellido{i:03d}"))


async def book(clinic, start, duration=30, doctor=None, patient=None):
    data = appointment_data(patient or clinic.patient, doctor or clinic.doctor, start=start, duration_minutes=duration)
    return await clinic.hub.services.appointments.create(SYSTEM, data)


async def test_list_skip_and_limit_page_through_in_stable_order(clinic):
    await add_patients(clinic, 12)
    client = await clinic.connect("reception", "/patients")
    everyone = (await call(client, "/patients", "list", {"limit": 200}))["data"]
    assert len(everyone) == 13
    pages = []
    for skip in range(0, 13, 5):
        pages += (await call(client, "/patients", "list", {"skip": skip, "limit": 5}))["data"]
    assert [p["id"] for p in pages] == [p["id"] for p in everyone]
    status, rest_page = await rest(clinic, "/patients", skip="5", limit="5")
    assert status == 200
    assert [p["id"] for p in rest_page] == [p["id"] for p in everyone[5:10]]


async def test_list_default_limit_is_fifty(clinic):
    await add_patients(clinic, 55)
    client = await clinic.connect("reception", "/patients")
    assert len((await call(client, "/patients", "list", {}))["data"]) == 50


async def test_list_limit_over_cap_or_bad_paging_is_invalid(clinic, subtests):
    client = await clinic.connect("reception", "/patients")
    for params in ({"limit": 201}, {"limit": 0}, {"limit": -5}, {"skip": -1}, {"limit": "lots"}, {"skip": 2_000_000}):
        with subtests.test(params=params):
            ack = await call(client, "/patients", "list", params)
            assert ack["ok"] is False
            assert ack["error"]["code"] == "invalid"
            assert set(params) <= set(ack["error"]["fields"])
            status, body = await rest(clinic, "/patients", **{k: str(v) for k, v in params.items()})
            assert status == 422
            assert set(params) <= set(body["error"]["fields"])


async def test_list_unknown_filter_is_invalid(clinic):
    client = await clinic.connect("admin", "/doctors")
    ack = await call(client, "/doctors", "list", {"room": "Consulta 3"})
    assert ack["error"]["fields"] == {"room": ["Unknown field."]}
    status, body = await rest(clinic, "/doctors", room="Consulta 3")
    assert status == 422


async def test_list_doctors_by_specialty_returns_only_that_specialty(clinic):
    await clinic.hub.services.doctors.create(SYSTEM, doctor_data(last_name="Ortega", specialty="Pediatría"))
    client = await clinic.connect("reception", "/doctors")
    found = (await call(client, "/doctors", "list", {"specialty": "Pediatría"}))["data"]
    assert sorted(d["last_name"] for d in found) == ["Molina", "Ortega"]
    status, body = await rest(clinic, "/doctors", specialty="Cardiología")
    assert status == 200
    assert [d["id"] for d in body] == [clinic.doctor["id"]]


async def test_list_appointments_by_doctor_and_by_patient(clinic):
    other_patient = await clinic.hub.services.patients.create(SYSTEM, patient_data(national_id="X1234567L"))
    third = await book(clinic, "2026-05-05T10:00:00+02:00", doctor=clinic.other_doctor, patient=other_patient)
    client = await clinic.connect("reception", "/appointments")
    by_doctor = (await call(client, "/appointments", "list", {"doctor_id": clinic.other_doctor["id"]}))["data"]
    assert {a["id"] for a in by_doctor} == {clinic.other_appointment["id"], third["id"]}
    by_patient = (await call(client, "/appointments", "list", {"patient_id": other_patient["id"]}))["data"]
    assert [a["id"] for a in by_patient] == [third["id"]]
    both = (await call(client, "/appointments", "list",
                       {"doctor_id": clinic.other_doctor["id"], "patient_id": clinic.patient["id"]}))["data"]
    assert [a["id"] for a in both] == [clinic.other_appointment["id"]]
    status, body = await rest(clinic, "/appointments", patient_id=other_patient["id"])
    assert status == 200 and [a["id"] for a in body] == [third["id"]]


async def test_list_appointments_by_status(clinic):
    await clinic.hub.store.update("appointments", clinic.own_appointment["id"], {"status": "cancelled"})
    client = await clinic.connect("reception", "/appointments")
    found = (await call(client, "/appointments", "list", {"status": "cancelled"}))["data"]
    assert [a["id"] for a in found] == [clinic.own_appointment["id"]]


async def test_list_appointments_by_date_uses_the_clinic_local_day(clinic):
    late = await book(clinic, "2026-05-05T23:30:00+02:00", duration=20)  # 21:30Z: still the 5th in Madrid
    early = await book(clinic, "2026-05-06T00:30:00+02:00", duration=20)  # 22:30Z on the 5th in UTC
    client = await clinic.connect("reception", "/appointments")
    on_5th = (await call(client, "/appointments", "list", {"date": "2026-05-05"}))["data"]
    on_6th = (await call(client, "/appointments", "list", {"date": "2026-05-06"}))["data"]
    assert [a["id"] for a in on_5th] == [late["id"]]
    assert [a["id"] for a in on_6th] == [early["id"]]


async def test_list_appointment_across_midnight_appears_on_both_days(clinic):
    night = await book(clinic, "2026-05-07T23:45:00", duration=30)  # naive: clinic time, 23:45-00:15
    client = await clinic.connect("reception", "/appointments")
    for day in ("2026-05-07", "2026-05-08"):
        found = (await call(client, "/appointments", "list", {"date": day}))["data"]
        assert [a["id"] for a in found] == [night["id"]], day
        status, body = await rest(clinic, "/appointments", date=day)
        assert status == 200 and [a["id"] for a in body] == [night["id"]], day
    assert (await call(client, "/appointments", "list", {"date": "2026-05-09"}))["data"] == []
    assert (await call(client, "/appointments", "list", {"date": "2026-05-06"}))["data"] == []


async def test_list_appointment_ending_exactly_at_midnight_is_not_on_the_next_day(clinic):
    await book(clinic, "2026-05-07T23:30:00", duration=30)
    client = await clinic.connect("reception", "/appointments")
    assert (await call(client, "/appointments", "list", {"date": "2026-05-08"}))["data"] == []


async def test_list_appointments_from_to_returns_overlapping_ones(clinic):
    a10 = clinic.own_appointment  # 10:00-10:30 local on 2026-05-04
    a11 = clinic.other_appointment  # 11:00-11:30
    a15 = await book(clinic, "2026-05-04T15:00:00+02:00")
    client = await clinic.connect("reception", "/appointments")

    async def window(**params):
        ack = await call(client, "/appointments", "list", params)
        assert ack["ok"], ack
        return {a["id"] for a in ack["data"]}

    assert await window(**{"from": "2026-05-04T10:15:00+02:00", "to": "2026-05-04T11:00:00+02:00"}) == {a10["id"]}
    assert await window(**{"from": "2026-05-04T10:30:00+02:00", "to": "2026-05-04T11:01:00+02:00"}) == {a11["id"]}
    assert await window(**{"from": "2026-05-04T12:00:00"}) == {a15["id"]}
    assert await window(to="2026-05-04T10:59:00") == {a10["id"]}
    status, body = await rest(clinic, "/appointments", **{"from": "2026-05-04T09:00:00Z", "to": "2026-05-04T13:30:00Z"})
    assert status == 200 and {a["id"] for a in body} == {a11["id"], a15["id"]}


BAD_APPOINTMENT_FILTERS = [
    ({"date": "2026-02-30"}, "date"), ({"date": "2026-05-04", "from": "2026-05-04T10:00:00Z"}, "date"),
    ({"from": "2026-05-05T00:00:00Z", "to": "2026-05-04T00:00:00Z"}, "to"), ({"from": "yesterday"}, "from"),
    ({"status": "lost"}, "status"), ({"doctor_id": "  "}, "doctor_id"), ({"from": "2026-03-29T02:30:00"}, "from"),
]


async def test_list_appointments_bad_filters_are_invalid(clinic, subtests):
    client = await clinic.connect("reception", "/appointments")
    for params, field in BAD_APPOINTMENT_FILTERS:
        with subtests.test(params=params):
            ack = await call(client, "/appointments", "list", params)
            assert ack["ok"] is False and field in ack["error"]["fields"], ack
            status, body = await rest(clinic, "/appointments", **params)
            assert status == 422 and field in body["error"]["fields"]


async def test_rest_list_repeated_query_key_uses_the_last_value(clinic):
    resp = await clinic.hub.http.get(f"{clinic.hub.url}/doctors?specialty=Pediatría&specialty=Cardiología",
                                     headers=clinic.headers("admin"))
    assert [d["id"] for d in await resp.json()] == [clinic.doctor["id"]]
