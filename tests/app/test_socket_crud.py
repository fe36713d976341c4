"""CRUD over acknowledged Socket.IO events on /patients, /doctors and /appointments."""

import pytest

from tests.app.support import SYSTEM, appointment_data, dump
from tests.conftest import call, doctor_data, patient_data


def ok(ack):
    assert ack["ok"] is True, ack
    assert set(ack) == {"ok", "data"}
    return ack["data"]


def refused(ack, code):
    assert ack["ok"] is False, ack
    assert ack["error"]["code"] == code, ack
    assert ack["error"]["message"]
    return ack["error"]


async def test_patients_create_get_list_update_delete_round_trip(clinic):
    client = await clinic.connect("admin", "/patients")
    created = ok(await call(client, "/patients", "create", patient_data(national_id="X1234567L", first_name="Ana",
                                                                         medical_history="Asma")))
    assert created["version"] == 1
    assert created["national_id"] == "X1234567L"
    assert created["birth_date"] == "1990-01-31"
    assert created["created_at"].endswith("Z") and created["updated_at"] == created["created_at"]
    assert "_search" not in created
    pid = created["id"]
    assert ok(await call(client, "/patients", "get", {"id": pid})) == created
    assert pid in [p["id"] for p in ok(await call(client, "/patients", "list", {}))]
    updated = ok(await call(client, "/patients", "update", {"id": pid, "data": {"first_name": "Ana María"}}))
    assert updated["first_name"] == "Ana María"
    assert updated["last_name"] == created["last_name"]
    assert updated["version"] == 2
    assert updated["created_at"] == created["created_at"]
    removed = ok(await call(client, "/patients", "delete", {"id": pid}))
    assert removed["id"] == pid
    refused(await call(client, "/patients", "get", {"id": pid}), "not_found")


async def test_patients_list_without_payload_uses_defaults(clinic):
    client = await clinic.connect("reception", "/patients")
    assert len(ok(await client.call("list", namespace="/patients", timeout=5))) == 1


async def test_patients_search_by_q_returns_matches(clinic):
    client = await clinic.connect("reception", "/patients")
    found = ok(await call(client, "/patients", "search", {"q": "nuñez"}))
    assert [p["id"] for p in found] == [clinic.patient["id"]]
    assert ok(await call(client, "/patients", "search", {"q": "nobody"})) == []


async def test_get_many_answers_the_records_asked_for_in_order_once_each(clinic):
    client = await clinic.connect("reception", "/patients")
    other = ok(await call(client, "/patients", "create", patient_data(national_id="X1234567L", first_name="Ana")))
    pid = clinic.patient["id"]
    found = ok(await call(client, "/patients", "get_many", {"ids": [other["id"], "no-such-id", pid, other["id"]]}))
    assert [p["id"] for p in found] == [other["id"], pid]
    assert found[0] == other
    assert all("medical_history" not in p for p in found)  # presented for the role, like get


async def test_get_many_bad_ids_are_invalid_with_fields(clinic, subtests):
    client = await clinic.connect("admin", "/doctors")
    for payload in ({}, {"ids": []}, {"ids": "abc"}, {"ids": [1, 2]}, {"ids": [None]}, {"ids": ["x" * 65]},
                    {"ids": [f"id-{n}" for n in range(201)]}, {"ids": ["a"], "also": 1}):
        with subtests.test(payload=str(payload)[:60]):
            error = refused(await call(client, "/doctors", "get_many", payload), "invalid")
            assert set(error["fields"]) <= {"ids", "also"} and error["fields"]
    assert len(ok(await call(client, "/doctors", "get_many", {"ids": [f"id-{n}" for n in range(199)] + [clinic.doctor["id"]]}))) == 1


async def test_doctors_create_get_list_update_delete_round_trip(clinic):
    client = await clinic.connect("admin", "/doctors")
    created = ok(await call(client, "/doctors", "create", doctor_data(last_name="Vázquez", specialty="Dermatología")))
    assert created["schedule"]["weekly"]["fri"] == [["00:00", "00:00"]]
    assert created["slot_minutes"] == 20
    did = created["id"]
    assert ok(await call(client, "/doctors", "get", {"id": did}))["last_name"] == "Vázquez"
    assert len(ok(await call(client, "/doctors", "list", {}))) == 3
    schedule = {"weekly": {"tue": [["08:00", "15:00"]]}, "exceptions": [{"date": "2026-12-24", "ranges": []}]}
    updated = ok(await call(client, "/doctors", "update", {"id": did, "data": {"schedule": schedule}, "version": 1}))
    assert updated["schedule"] == schedule
    assert updated["version"] == 2
    ok(await call(client, "/doctors", "delete", {"id": did, "version": 2}))
    refused(await call(client, "/doctors", "get", {"id": did}), "not_found")


async def test_appointments_create_get_list_update_delete_round_trip(clinic):
    client = await clinic.connect("reception", "/appointments")
    data = appointment_data(clinic.patient, clinic.doctor, start="2026-05-06T09:00:00+02:00", duration_minutes=20)
    created = ok(await call(client, "/appointments", "create", data))
    assert created["start"] == "2026-05-06T07:00:00Z"
    assert created["end"] == "2026-05-06T07:20:00Z"
    assert created["status"] == "scheduled"
    aid = created["id"]
    assert ok(await call(client, "/appointments", "get", {"id": aid}))["reason"] == "Revisión"
    assert len(ok(await call(client, "/appointments", "list", {}))) == 3
    moved = ok(await call(client, "/appointments", "update",
                          {"id": aid, "data": {"start": "2026-05-06T10:00:00+02:00", "notes": "Trae análisis"}}))
    assert (moved["start"], moved["end"]) == ("2026-05-06T08:00:00Z", "2026-05-06T08:20:00Z")
    assert moved["notes"] == "Trae análisis"
    ok(await call(client, "/appointments", "delete", {"id": aid}))
    refused(await call(client, "/appointments", "get", {"id": aid}), "not_found")


async def test_appointments_create_without_duration_uses_the_doctor_slot(clinic):
    client = await clinic.connect("reception", "/appointments")
    data = appointment_data(clinic.patient, clinic.doctor)
    del data["duration_minutes"]
    created = ok(await call(client, "/appointments", "create", data))
    assert created["duration_minutes"] == 20
    assert created["end"] == "2026-05-04T08:20:00Z"


async def test_appointments_create_without_status_is_scheduled(clinic):
    client = await clinic.connect("reception", "/appointments")
    created = ok(await call(client, "/appointments", "create", appointment_data(clinic.patient, clinic.doctor)))
    assert created["status"] == "scheduled"
    stored = await clinic.hub.store.get("appointments", created["id"])
    assert stored["status"] == "scheduled"


@pytest.mark.parametrize("namespace, change", [("/patients", {"first_name": "X"}), ("/doctors", {"room": "X"}),
                                               ("/appointments", {"notes": "x"})])
async def test_record_event_unknown_id_is_not_found_and_writes_nothing(clinic, subtests, namespace, change):
    client = await clinic.connect("admin", namespace)
    before = await dump(clinic.hub)
    for event in ("get", "update", "delete"):
        with subtests.test(event=event):
            payload = {"id": "no-such-id", "data": change} if event == "update" else {"id": "no-such-id"}
            refused(await call(client, namespace, event, payload), "not_found")
    assert await dump(clinic.hub) == before


async def test_update_with_stale_version_is_a_conflict_and_writes_nothing(clinic):
    client = await clinic.connect("admin", "/patients")
    pid = clinic.patient["id"]
    ok(await call(client, "/patients", "update", {"id": pid, "data": {"first_name": "Pepe"}, "version": 1}))
    error = refused(await call(client, "/patients", "update", {"id": pid, "data": {"first_name": "Pepa"}, "version": 1}),
                    "version_conflict")
    assert error["current_version"] == 2
    assert (await clinic.hub.store.get("patients", pid))["first_name"] == "Pepe"


async def test_delete_with_stale_version_is_a_conflict_and_keeps_the_record(clinic):
    client = await clinic.connect("admin", "/doctors")
    did = (await clinic.hub.services.doctors.create(SYSTEM, doctor_data()))["id"]
    refused(await call(client, "/doctors", "delete", {"id": did, "version": 7}), "version_conflict")
    assert (await clinic.hub.store.get("doctors", did))["version"] == 1


async def test_update_with_empty_data_is_invalid(clinic):
    client = await clinic.connect("admin", "/patients")
    error = refused(await call(client, "/patients", "update", {"id": clinic.patient["id"], "data": {}}), "invalid")
    assert "data" in error["fields"]


async def test_update_national_id_to_an_existing_one_is_a_conflict(clinic):
    client = await clinic.connect("reception", "/patients")
    other = ok(await call(client, "/patients", "create", patient_data(national_id="X1234567L")))
    error = refused(await call(client, "/patients", "update", {"id": other["id"], "data": {"national_id": "12345678-z"}}),
                    "conflict")
    assert error["fields"] == {"national_id": ["Already exists."]}
    assert error["message"] == "Another patient has this national ID."
    assert (await clinic.hub.store.get("patients", other["id"]))["national_id"] == "X1234567L"


async def test_delete_patient_with_appointments_is_a_conflict(clinic):
    client = await clinic.connect("admin", "/patients")
    refused(await call(client, "/patients", "delete", {"id": clinic.patient["id"]}), "conflict")
    assert await clinic.hub.store.get("patients", clinic.patient["id"])


async def test_delete_doctor_with_appointments_is_a_conflict(clinic):
    client = await clinic.connect("admin", "/doctors")
    refused(await call(client, "/doctors", "delete", {"id": clinic.other_doctor["id"]}), "conflict")


async def test_delete_doctor_linked_to_an_account_is_a_conflict(clinic):
    client = await clinic.connect("admin", "/appointments")
    ok(await call(client, "/appointments", "delete", {"id": clinic.own_appointment["id"]}))
    doctors = await clinic.hub.connect("/doctors", clinic.token("admin"))
    error = refused(await call(doctors, "/doctors", "delete", {"id": clinic.doctor["id"]}), "conflict")
    assert "user account" in error["message"]


async def test_update_appointment_to_missing_doctor_is_invalid_and_writes_nothing(clinic):
    client = await clinic.connect("reception", "/appointments")
    aid = clinic.own_appointment["id"]
    error = refused(await call(client, "/appointments", "update", {"id": aid, "data": {"doctor_id": "ghost"}}), "invalid")
    assert error["fields"] == {"doctor_id": ["No such record."]}
    assert (await clinic.hub.store.get("appointments", aid))["version"] == 1

