"""marshmallow 4 schemas: strict, trimmed, field-keyed errors (P9, P10, P11)."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from marshmallow import ValidationError

from hub.domain.appointments import AppointmentSchema, with_end
from hub.domain.doctors import DoctorSchema
from hub.domain.patients import PatientSchema
from hub.domain.queries import AppointmentListSchema, DeleteSchema, PageSchema, UpdateSchema
from hub.domain.users import UserSchema

MADRID = ZoneInfo("Europe/Madrid")


def patient(**overrides):
    base = {"national_id": "12345678Z", "first_name": "José", "last_name": "Ñúñez Peña", "birth_date": "1990-01-31"}
    return {**base, **overrides}


def doctor(**overrides):
    base = {"first_name": "Elena", "last_name": "Ruiz", "specialty": "Cardiología"}
    return {**base, **overrides}


def appointment(**overrides):
    base = {"patient_id": "p1", "doctor_id": "d1", "start": "2026-05-04T10:00:00+02:00", "reason": "Revisión"}
    return {**base, **overrides}


def errors(schema, data, **kwargs) -> dict:
    with pytest.raises(ValidationError) as info:
        schema.load(data, **kwargs)
    return info.value.messages


def test_patient_load_valid_keeps_spelling_and_parses_date():
    loaded = PatientSchema().load(patient(first_name="  José "))
    assert loaded["first_name"] == "José"
    assert loaded["birth_date"] == dt.date(1990, 1, 31)
    assert loaded["national_id"] == "12345678Z"


def test_patient_load_unknown_field_is_refused_by_name():
    assert errors(PatientSchema(), patient(nickname="Pepe")) == {"nickname": ["Unknown field."]}


@pytest.mark.parametrize("field", ["id", "version", "created_at", "updated_at"])
def test_patient_load_server_set_field_is_refused(field):
    assert field in errors(PatientSchema(), patient(**{field: "x"}))


@pytest.mark.parametrize("blank", ["", "   ", "\t\n"])
@pytest.mark.parametrize("field", ["first_name", "last_name", "national_id"])
def test_patient_load_blank_required_text_is_refused(field, blank):
    assert field in errors(PatientSchema(), patient(**{field: blank}))


def test_patient_load_missing_required_fields_are_each_named():
    assert set(errors(PatientSchema(), {})) == {"national_id", "first_name", "last_name", "birth_date"}


def test_patient_load_name_longer_than_limit_is_refused():
    assert "first_name" in errors(PatientSchema(), patient(first_name="a" * 101))


@pytest.mark.parametrize("value", [19900131, ["1990-01-31"], "31/01/1990", "1990-02-30", "1899-12-31", "2999-01-01"])
def test_patient_load_bad_birth_date_is_refused(value):
    assert "birth_date" in errors(PatientSchema(), patient(birth_date=value))


@pytest.mark.parametrize("field, value", [("gender", "robot"), ("phone", "call me"), ("email", "not-an-email"),
                                          ("first_name", 42), ("address", ["Calle"])])
def test_patient_load_wrong_type_or_shape_is_refused(field, value):
    assert field in errors(PatientSchema(), patient(**{field: value}))


def test_patient_load_email_is_trimmed_and_lowercased():
    assert PatientSchema().load(patient(email=" Ana@Clinic.ES "))["email"] == "ana@clinic.es"


def test_patient_load_national_id_formats_come_from_the_schema():
    assert "national_id" in errors(PatientSchema(), patient(national_id="AB123456"))
    loaded = PatientSchema(id_formats=("es", "generic")).load(patient(national_id="AB123456"))
    assert loaded["national_id"] == "AB123456"


def test_patient_load_partial_blank_still_refused():
    assert "last_name" in errors(PatientSchema(), {"last_name": " "}, partial=True)


def test_doctor_load_defaults_slot_capacity_and_empty_schedule():
    loaded = DoctorSchema().load(doctor())
    assert loaded["slot_minutes"] == 15
    assert loaded["schedule"] == {"weekly": {}, "exceptions": []}


@pytest.mark.parametrize("value", ["20", 20.0, 20.5, True, None])
def test_doctor_load_slot_minutes_must_be_a_strict_int(value):
    assert "slot_minutes" in errors(DoctorSchema(), doctor(slot_minutes=value))


@pytest.mark.parametrize("value", [4, 241, -15])
def test_doctor_load_slot_minutes_out_of_range_is_refused(value):
    assert "slot_minutes" in errors(DoctorSchema(), doctor(slot_minutes=value))


def test_doctor_load_schedule_shape_is_accepted_including_midnight_ranges():
    schedule = {"weekly": {"mon": [["09:00", "14:00"], ["16:00", "20:00"]], "fri": [["22:00", "06:00"]]},
                "exceptions": [{"date": "2026-12-24", "ranges": []}]}
    assert DoctorSchema().load(doctor(schedule=schedule))["schedule"] == schedule


@pytest.mark.parametrize(
    "schedule, where",
    [
        ({"weekly": {"monday": [["09:00", "14:00"]]}}, "weekly"),
        ({"weekly": {"mon": [["9:00", "14:00"]]}}, "weekly"),
        ({"weekly": {"mon": [["09:00", "24:00"]]}}, "weekly"),
        ({"weekly": {"mon": [["0٩:00", "14:00"]]}}, "weekly"),
        ({"weekly": {"mon": [["09:00", "１4:00"]]}}, "weekly"),
        ({"weekly": {"mon": [["09:00"]]}}, "weekly"),
        ({"weekly": {"mon": [["09:00", "10:00", "11:00"]]}}, "weekly"),
        ({"weekly": {"mon": ["09:00-14:00"]}}, "weekly"),
        ({"weekly": {"mon": [["09:00", "10:00"]] * 7}}, "weekly"),
        ({"weekly": []}, "weekly"),
        ({"exceptions": [{"date": "2026-02-30", "ranges": []}]}, "exceptions"),
        ({"exceptions": [{"ranges": []}]}, "exceptions"),
        ({"exceptions": [{"date": "2026-12-24", "ranges": [], "why": "xmas"}]}, "exceptions"),
        ({"exceptions": [{"date": "2026-12-24"}, {"date": "2026-12-24"}]}, "exceptions"),
        ({"weekly": {}, "holidays": []}, "holidays"),
    ],
)
def test_doctor_load_bad_schedule_shape_is_refused_under_the_right_key(schedule, where):
    found = errors(DoctorSchema(), doctor(schedule=schedule))
    assert where in found["schedule"], found


def test_appointment_load_without_status_is_scheduled():
    assert AppointmentSchema().load(appointment())["status"] == "scheduled"


def test_appointment_load_unknown_status_is_refused():
    assert "status" in errors(AppointmentSchema(), appointment(status="lost"))


def test_appointment_load_naive_start_is_read_in_clinic_zone():
    loaded = AppointmentSchema(clinic_tz=MADRID).load(appointment(start="2026-01-15T10:00:00"))
    assert loaded["start"] == dt.datetime(2026, 1, 15, 9, 0, tzinfo=dt.UTC)


def test_appointment_load_aware_start_is_converted_to_utc():
    loaded = AppointmentSchema(clinic_tz=MADRID).load(appointment(start="2026-05-04T10:00:00+02:00"))
    assert loaded["start"] == dt.datetime(2026, 5, 4, 8, 0, tzinfo=dt.UTC)
    assert loaded["start"].utcoffset() == dt.timedelta(0)


@pytest.mark.parametrize("start, message", [("2026-03-29T02:30:00", "does not exist"),
                                            ("2026-10-25T02:30:00", "happens twice")])
def test_appointment_load_dst_gap_or_fold_without_offset_is_refused(start, message):
    found = errors(AppointmentSchema(clinic_tz=MADRID), appointment(start=start))
    assert message in found["start"][0]


@pytest.mark.parametrize("value", ["tomorrow", 1700000000, "2026-13-01T10:00:00", ""])
def test_appointment_load_bad_start_is_refused(value):
    assert "start" in errors(AppointmentSchema(), appointment(start=value))


@pytest.mark.parametrize("value", ["30", 30.0, 4, 481])
def test_appointment_load_bad_duration_is_refused(value):
    assert "duration_minutes" in errors(AppointmentSchema(), appointment(duration_minutes=value))


@pytest.mark.parametrize("field", ["reason", "patient_id", "doctor_id"])
def test_appointment_load_blank_required_text_is_refused(field):
    assert field in errors(AppointmentSchema(), appointment(**{field: "  "}))


def test_appointment_load_blank_notes_are_allowed():
    assert AppointmentSchema().load(appointment(notes="  "))["notes"] == ""


def test_appointment_load_end_is_server_derived_only():
    assert "end" in errors(AppointmentSchema(), appointment(end="2026-05-04T11:00:00Z"))


def test_with_end_crosses_midnight():
    start = dt.datetime(2026, 5, 4, 21, 45, tzinfo=dt.UTC)
    assert with_end({"start": start, "duration_minutes": 30})["end"] == dt.datetime(2026, 5, 4, 22, 15, tzinfo=dt.UTC)


def test_appointment_dump_is_utc_with_z():
    dumped = AppointmentSchema().dump({"start": dt.datetime(2026, 5, 4, 10, 0, tzinfo=ZoneInfo("Europe/Madrid"))})
    assert dumped["start"] == "2026-05-04T08:00:00Z"


@pytest.mark.parametrize("params, field", [({"limit": 201}, "limit"), ({"limit": 0}, "limit"), ({"skip": -1}, "skip"),
                                          ({"limit": "many"}, "limit"), ({"page": 2}, "page")])
def test_page_load_bad_paging_is_refused(params, field):
    assert field in errors(PageSchema(max_limit=200), params)


def test_page_load_defaults_and_string_numbers_from_query_strings():
    assert PageSchema().load({}) == {"skip": 0, "limit": 50}
    assert PageSchema().load({"skip": "10", "limit": "20"}) == {"skip": 10, "limit": 20}


def test_appointment_list_load_date_with_from_is_refused():
    assert "date" in errors(AppointmentListSchema(), {"date": "2026-05-04", "from": "2026-05-04T00:00:00Z"})


def test_appointment_list_load_to_before_from_is_refused():
    assert "to" in errors(AppointmentListSchema(), {"from": "2026-05-05T00:00:00Z", "to": "2026-05-04T00:00:00Z"})


def test_appointment_list_load_from_is_read_from_its_wire_name():
    loaded = AppointmentListSchema(clinic_tz=MADRID).load({"from": "2026-05-04T00:00:00"})
    assert loaded["from_"] == dt.datetime(2026, 5, 3, 22, 0, tzinfo=dt.UTC)


@pytest.mark.parametrize("data, field", [({"data": {}}, "id"), ({"id": "x"}, "data"), ({"id": "x", "data": []}, "data"),
                                        ({"id": "x", "data": {}, "version": "2"}, "version"),
                                        ({"id": "x", "data": {}, "version": 0}, "version"),
                                        ({"id": " ", "data": {}}, "id"), ({"id": 5, "data": {}}, "id")])
def test_update_request_load_bad_envelope_is_refused(data, field):
    assert field in errors(UpdateSchema(), data)


def test_delete_request_load_extra_key_is_refused():
    assert "force" in errors(DeleteSchema(), {"id": "x", "force": True})


def test_user_load_doctor_role_needs_doctor_id():
    data = {"email": "d@clinic.test", "first_name": "A", "last_name": "B", "role": "doctor", "password": "x" * 12}
    assert "doctor_id" in errors(UserSchema(), data)


def test_user_load_non_doctor_with_doctor_id_is_refused():
    data = {"email": "r@clinic.test", "first_name": "A", "last_name": "B", "role": "reception",
            "password": "x" * 12, "doctor_id": "d1"}
    assert "doctor_id" in errors(UserSchema(), data)


def test_user_load_unknown_role_is_refused():
    data = {"email": "r@clinic.test", "first_name": "A", "last_name": "B", "role": "root", "password": "x" * 12}
    assert "role" in errors(UserSchema(), data)


def test_user_dump_never_contains_password_or_hash():
    dumped = UserSchema().dump({"id": "u", "email": "a@b.es", "password": "p", "password_hash": "h", "role": "admin"})
    assert "password" not in dumped
    assert "password_hash" not in dumped
