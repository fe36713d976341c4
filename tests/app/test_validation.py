"""Every validation rule answers `invalid` with field-keyed messages and writes nothing (P9-P11, P16, P17)."""

import pytest

from tests.app.support import SYSTEM, appointment_data, dump, status_of
from tests.conftest import call, doctor_data, patient_data

PATIENT_CASES = [
    ({"nickname": "Pepe"}, "nickname", "Unknown field."),
    ({"id": "chosen-id"}, "id", "Unknown field."),
    ({"version": 9}, "version", "Unknown field."),
    ({"first_name": ""}, "first_name", "Must not be blank."),
    ({"first_name": "   "}, "first_name", "Must not be blank."),
    ({"last_name": "\t \n"}, "last_name", "Must not be blank."),
    ({"national_id": "  "}, "national_id", "Must not be blank."),
    ({"first_name": "a" * 101}, "first_name", "Longer than maximum length 100."),
    ({"address": "a" * 301}, "address", "Longer than maximum length 300."),
    ({"first_name": 7}, "first_name", "Not a valid string."),
    ({"first_name": None}, "first_name", "Field may not be null."),
    ({"birth_date": "31/01/1990"}, "birth_date", "Not a valid date."),
    ({"birth_date": 19900131}, "birth_date", None),
    ({"birth_date": "1850-01-01"}, "birth_date", "Must be between 1900-01-01 and today."),
    ({"gender": "robot"}, "gender", None),
    ({"phone": "call me"}, "phone", "Not a phone number."),
    ({"email": "nope"}, "email", "Not a valid email address."),
    ({"national_id": "12345678A"}, "national_id", "Wrong check letter: expected Z for this number."),
    ({"national_id": "ABC"}, "national_id", "Not a Spanish DNI (12345678Z) or NIE (X1234567L)."),
    ({"national_id": 12345678}, "national_id", "Not a valid string."),
]


def refused_fields(ack):
    assert ack["ok"] is False, ack
    assert ack["error"]["code"] == "invalid", ack
    return ack["error"]["fields"]


async def test_patient_create_invalid_field_is_keyed_and_writes_nothing(clinic, subtests):
    client = await clinic.connect("admin", "/patients")
    before = await dump(clinic.hub)
    for override, field, message in PATIENT_CASES:
        with subtests.test(override=override):
            data = patient_data(**{"national_id": "X1234567L", **override})
            fields = refused_fields(await call(client, "/patients", "create", data))
            assert list(fields) == [field]
            if message:
                assert fields[field] == [message]
            resp = await clinic.hub.http.post(f"{clinic.hub.url}/patients", json=data, headers=clinic.headers("admin"))
            assert resp.status == 422
            assert list((await resp.json())["error"]["fields"]) == [field]
    assert await dump(clinic.hub) == before


async def test_patient_create_missing_required_fields_are_each_keyed(clinic):
    client = await clinic.connect("admin", "/patients")
    fields = refused_fields(await call(client, "/patients", "create", {"gender": "female"}))
    assert fields == {f: ["Missing data for required field."] for f in ("national_id", "first_name", "last_name",
                                                                          "birth_date")}


async def test_patient_update_blank_or_unknown_fields_are_refused(clinic):
    client = await clinic.connect("admin", "/patients")
    pid = clinic.patient["id"]
    fields = refused_fields(await call(client, "/patients", "update", {"id": pid, "data": {"last_name": " ", "x": 1}}))
    assert set(fields) == {"last_name", "x"}
    assert (await clinic.hub.store.get("patients", pid))["version"] == 1


DOCTOR_CASES = [
    ({"slot_minutes": "20"}, "slot_minutes"), ({"slot_minutes": 20.0}, "slot_minutes"), ({"slot_minutes": True}, "slot_minutes"),
    ({"slot_minutes": 2}, "slot_minutes"), ({"capacity": 0}, "capacity"), ({"specialty": " "}, "specialty"),
    ({"room": "r" * 41}, "room"), ({"schedule": {"weekly": {"lunes": [["09:00", "14:00"]]}}}, "schedule"),
    ({"schedule": {"weekly": {"mon": [["9:00", "14:00"]]}}}, "schedule"),
    ({"schedule": {"weekly": {"mon": [["0٩:00", "14:00"]]}}}, "schedule"),
    ({"schedule": {"weekly": {"mon": [["09:00", "14:00", "15:00"]]}}}, "schedule"),
    ({"schedule": {"weekly": {"mon": "09:00-14:00"}}}, "schedule"),
    ({"schedule": {"exceptions": [{"date": "24/12/2026", "ranges": []}]}}, "schedule"),
    ({"schedule": {"exceptions": [{"date": "2026-12-24"}, {"date": "2026-12-24"}]}}, "schedule"),
    ({"schedule": ["mon"]}, "schedule"), ({"schedule": {"weekly": {}, "notes": "x"}}, "schedule"),
]


async def test_doctor_create_invalid_field_is_keyed(clinic, subtests):
    client = await clinic.connect("admin", "/doctors")
    before = await dump(clinic.hub)
    for override, field in DOCTOR_CASES:
        with subtests.test(override=override):
            assert list(refused_fields(await call(client, "/doctors", "create", doctor_data(**override)))) == [field]
    assert await dump(clinic.hub) == before


async def test_doctor_schedule_error_points_inside_the_schedule(clinic):
    client = await clinic.connect("admin", "/doctors")
    fields = refused_fields(await call(client, "/doctors", "create",
                                       doctor_data(schedule={"weekly": {"mon": [["09:00", "25:00"]]}})))
    assert fields["schedule"]["weekly"]["mon"]["value"]["0"]["1"] == ["Use HH:MM, 00:00 to 23:59."]


APPOINTMENT_CASES = [
    ({"reason": "  "}, "reason"), ({"reason": "r" * 501}, "reason"), ({"duration_minutes": "30"}, "duration_minutes"),
    ({"duration_minutes": 30.5}, "duration_minutes"), ({"duration_minutes": 481}, "duration_minutes"),
    ({"status": "teleported"}, "status"), ({"start": "mañana"}, "start"), ({"start": 1778000000}, "start"),
    ({"end": "2026-05-04T11:00:00Z"}, "end"), ({"patient_id": ""}, "patient_id"), ({"doctor_id": None}, "doctor_id"),
    ({"notes": "n" * 2001}, "notes"), ({"room": "3"}, "room"),
]


async def test_appointment_create_invalid_field_is_keyed(clinic, subtests):
    client = await clinic.connect("reception", "/appointments")
    before = await dump(clinic.hub)
    for override, field in APPOINTMENT_CASES:
        with subtests.test(override=override):
            data = {**appointment_data(clinic.patient, clinic.doctor), **override}
            assert list(refused_fields(await call(client, "/appointments", "create", data))) == [field]
    assert await dump(clinic.hub) == before


@pytest.mark.parametrize("missing", ["patient_id", "doctor_id"])
async def test_appointment_create_referencing_missing_record_is_invalid(clinic, missing):
    client = await clinic.connect("reception", "/appointments")
    before = await dump(clinic.hub)
    data = {**appointment_data(clinic.patient, clinic.doctor), missing: "no-such-record"}
    assert refused_fields(await call(client, "/appointments", "create", data)) == {missing: ["No such record."]}
    assert await dump(clinic.hub) == before


async def test_appointment_create_referencing_both_missing_names_both(clinic):
    client = await clinic.connect("reception", "/appointments")
    data = {**appointment_data(clinic.patient, clinic.doctor), "patient_id": "ghost-p", "doctor_id": "ghost-d"}
    assert set(refused_fields(await call(client, "/appointments", "create", data))) == {"patient_id", "doctor_id"}


async def test_appointment_naive_start_is_read_in_europe_madrid(clinic):
    client = await clinic.connect("reception", "/appointments")
    winter = await call(client, "/appointments", "create",
                        appointment_data(clinic.patient, clinic.doctor, start="2026-01-15T10:00:00"))
    summer = await call(client, "/appointments", "create",
                        appointment_data(clinic.patient, clinic.doctor, start="2026-07-15T10:00:00"))
    assert winter["data"]["start"] == "2026-01-15T09:00:00Z"
    assert summer["data"]["start"] == "2026-07-15T08:00:00Z"


async def test_appointment_naive_start_in_dst_gap_is_refused(clinic):
    client = await clinic.connect("reception", "/appointments")
    fields = refused_fields(await call(client, "/appointments", "create",
                                       appointment_data(clinic.patient, clinic.doctor, start="2026-03-29T02:30:00")))
    assert "does not exist in Europe/Madrid" in fields["start"][0]


async def test_appointment_ambiguous_start_is_refused_without_offset_and_accepted_with_one(clinic):
    client = await clinic.connect("reception", "/appointments")
    fields = refused_fields(await call(client, "/appointments", "create",
                                       appointment_data(clinic.patient, clinic.doctor, start="2026-10-25T02:30:00")))
    assert "explicit UTC offset" in fields["start"][0]
    ack = await call(client, "/appointments", "create",
                     appointment_data(clinic.patient, clinic.doctor, start="2026-10-25T02:30:00+01:00"))
    assert ack["data"]["start"] == "2026-10-25T01:30:00Z"


async def test_appointment_naive_start_uses_the_configured_zone(start_hub, tmp_path):
    from tests.app.support import build_clinic
    from tests.conftest import make_config

    hub = await start_hub(make_config(tmp_path, HUB_TIMEZONE="America/New_York"))
    clinic = await build_clinic(hub)
    client = await clinic.connect("reception", "/appointments")
    ack = await call(client, "/appointments", "create",
                     appointment_data(clinic.patient, clinic.doctor, start="2026-01-15T10:00:00"))
    assert ack["data"]["start"] == "2026-01-15T15:00:00Z"


async def test_patient_birth_date_reads_back_as_the_same_date(clinic):
    client = await clinic.connect("reception", "/patients")
    created = (await call(client, "/patients", "create", patient_data(national_id="X1234567L")))["data"]
    assert created["birth_date"] == "1990-01-31"
    assert (await call(client, "/patients", "get", {"id": created["id"]}))["data"]["birth_date"] == "1990-01-31"


async def test_patient_national_id_spellings_are_stored_canonical(hub, subtests):
    for spelling in ("12345678Z", " 12345678z ", "12345678-z", "12.345.678 Z"):
        with subtests.test(spelling=spelling):
            created = await hub.services.patients.create(SYSTEM, patient_data(national_id=spelling))
            assert created["national_id"] == "12345678Z"
            assert (await hub.store.find("patients", "national_id", "12345678Z"))["id"] == created["id"]
            await hub.store.delete("patients", created["id"])


async def test_patient_second_create_of_same_person_is_a_conflict(clinic, subtests):
    client = await clinic.connect("reception", "/patients")
    before = await dump(clinic.hub)
    for spelling in ("12345678Z", " 12345678z ", "12345678-z", "１２３４５６７８Ｚ"):
        with subtests.test(spelling=spelling):
            ack = await call(client, "/patients", "create", patient_data(national_id=spelling, first_name="Otro"))
            assert ack["ok"] is False
            assert ack["error"]["code"] == "conflict"
            assert ack["error"]["fields"] == {"national_id": ["Already exists."]}
            request = clinic.hub.http.post(f"{clinic.hub.url}/patients", json=patient_data(national_id=spelling),
                                           headers=clinic.headers("reception"))
            assert await status_of(request) == 409
    assert await dump(clinic.hub) == before


async def test_patient_nie_is_accepted(clinic):
    client = await clinic.connect("reception", "/patients")
    ack = await call(client, "/patients", "create", patient_data(national_id="x1234567l"))
    assert ack["data"]["national_id"] == "X1234567L"


async def test_patient_generic_ids_are_accepted_only_when_configured(start_hub, tmp_path):
    from tests.conftest import make_config

    hub = await start_hub(make_config(tmp_path, HUB_NATIONAL_ID_FORMATS="es,generic"))
    created = await hub.services.patients.create(SYSTEM, patient_data(national_id="p-1234567"))
    assert created["national_id"] == "P1234567"


async def test_patient_search_is_accent_and_case_insensitive_and_keeps_spelling(clinic, subtests):
    await clinic.hub.services.patients.create(SYSTEM, patient_data(national_id="X1234567L", first_name="María",
                                                                    last_name="García"))
    client = await clinic.connect("reception", "/patients")
    for query in ("jose", "NUNEZ", "peña", "Nuñez", "josé ñúñez", "PENA jose", "12345678z"):
        with subtests.test(query=query):
            ack = await call(client, "/patients", "search", {"q": query})
            assert [(p["first_name"], p["last_name"]) for p in ack["data"]] == [("José", "Ñúñez Peña")]


async def test_patient_search_wildcards_are_literal(clinic):
    client = await clinic.connect("reception", "/patients")
    for query in ("%", "_", "j%e", "\\"):
        assert (await call(client, "/patients", "search", {"q": query}))["data"] == [], query


async def test_patient_search_bad_query_is_invalid(clinic, subtests):
    client = await clinic.connect("reception", "/patients")
    cases = [({}, "q"), ({"q": "  "}, "q"), ({"q": "x" * 101}, "q"), ({"q": 5}, "q"),
             ({"q": "jose", "limit": 500}, "limit"), ({"q": "a", "name": "b"}, "name")]
    for params, field in cases:
        with subtests.test(params=params):
            assert field in refused_fields(await call(client, "/patients", "search", params))
