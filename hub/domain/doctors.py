"""Doctors and their weekly schedule in clinic-local time.

Schedule shape (fixed, clients depend on it)::

    {"weekly": {"mon": [["09:00", "14:00"], ["16:00", "20:00"]], ...},
     "exceptions": [{"date": "2026-12-24", "ranges": []}]}

A range whose end is not after its start crosses midnight (``["22:00", "06:00"]``).
"""

from __future__ import annotations

from typing import Any

from marshmallow import ValidationError, fields, validate, validates_schema

from hub.domain.base import HubSchema, RecordSchema
from hub.domain.fields import Email, Text
from hub.domain.patients import PHONE

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
HHMM = validate.Regexp(r"^([01][0-9]|2[0-3]):[0-5][0-9]$", error="Use HH:MM, 00:00 to 23:59.")  # ASCII digits only
MAX_RANGES_PER_DAY = 6


class TimeRange(fields.List):
    """["HH:MM", "HH:MM"]."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(fields.String(validate=HHMM), validate=validate.Length(equal=2), **kwargs)


def _ranges() -> fields.List:
    return fields.List(TimeRange(), validate=validate.Length(max=MAX_RANGES_PER_DAY))


class DateString(fields.String):
    """An ISO date kept as its string, so the whole schedule stays plain JSON in the store."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        return fields.Date()._deserialize(value, attr, data, **kwargs).isoformat()


class ExceptionSchema(HubSchema):
    date = DateString(required=True)
    ranges = _ranges()


class ScheduleSchema(HubSchema):
    weekly = fields.Dict(keys=fields.String(validate=validate.OneOf(WEEKDAYS)), values=_ranges(), load_default=dict)
    exceptions = fields.List(fields.Nested(ExceptionSchema), load_default=list, validate=validate.Length(max=366))

    @validates_schema
    def _one_exception_per_date(self, data: dict[str, Any], **_: Any) -> None:
        dates = [item["date"] for item in data.get("exceptions", [])]
        if len(dates) != len(set(dates)):
            raise ValidationError("Only one exception per date.", "exceptions")


class DoctorSchema(RecordSchema):
    first_name = Text(required=True, max_length=100)
    last_name = Text(required=True, max_length=100)
    specialty = Text(required=True, max_length=100)
    phone = fields.String(validate=PHONE, allow_none=True)
    email = Email(allow_none=True)
    room = Text(max_length=40, allow_none=True)
    slot_minutes = fields.Integer(strict=True, validate=validate.Range(5, 240), load_default=15)
    capacity = fields.Integer(strict=True, validate=validate.Range(1, 20), load_default=1)
    ticket_prefix = fields.String(validate=validate.Regexp(r"^[A-Z]{1,2}$", error="One or two capital letters."), load_default="A")
    schedule = fields.Nested(ScheduleSchema, load_default=lambda: {"weekly": {}, "exceptions": []})


def display_name(doctor: dict[str, Any]) -> str:
    return f"Dr. {doctor.get('last_name', '')}".strip()
