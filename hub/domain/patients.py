"""Patients: unique national ID, contact data and (doctors/admins only) medical history."""

from __future__ import annotations

import datetime as dt
from typing import Any

from marshmallow import ValidationError, fields, validate, validates

from hub.domain.base import RecordSchema
from hub.domain.fields import Email, NationalId, Text
from hub.domain.text import fold

GENDERS = ("female", "male", "other", "undisclosed")
PHONE = validate.Regexp(r"^\+?[0-9 ()\-]{6,20}$", error="Not a phone number.")
EARLIEST_BIRTH = dt.date(1900, 1, 1)


class PatientSchema(RecordSchema):
    national_id = NationalId(required=True)
    first_name = Text(required=True, max_length=100)
    last_name = Text(required=True, max_length=100)
    birth_date = fields.Date(required=True)
    gender = fields.String(validate=validate.OneOf(GENDERS), allow_none=True)
    address = Text(max_length=300, allow_none=True)
    phone = fields.String(validate=PHONE, allow_none=True)
    email = Email(allow_none=True)
    medical_history = Text(max_length=20_000, allow_blank=True, allow_none=True)

    @validates("birth_date")
    def _birth_date_is_plausible(self, value: dt.date, **_: Any) -> None:
        if value < EARLIEST_BIRTH or value > dt.date.today():
            raise ValidationError("Must be between 1900-01-01 and today.")


PRIVATE_FIELDS = ("medical_history",)


def search_key(patient: dict[str, Any]) -> str:
    """What a search matches against: folded names and the national ID."""
    parts = (patient.get("first_name", ""), patient.get("last_name", ""), patient.get("national_id", ""))
    return fold(" ".join(parts))
