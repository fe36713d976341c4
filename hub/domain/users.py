"""Staff and device accounts."""

from __future__ import annotations

from typing import Any

from marshmallow import ValidationError, fields, validate, validates_schema

from hub.domain.base import HubSchema, RecordSchema
from hub.domain.fields import Email, Text

ROLES = ("admin", "reception", "doctor", "display")


class UserSchema(RecordSchema):
    email = Email(required=True)
    first_name = Text(required=True, max_length=100)
    last_name = Text(required=True, max_length=100)
    role = fields.String(required=True, validate=validate.OneOf(ROLES))
    active = fields.Boolean(load_default=True)
    doctor_id = Text(max_length=64, allow_none=True, load_default=None)
    password = fields.String(required=True, load_only=True)

    @validates_schema
    def _doctor_link(self, data: dict[str, Any], partial: Any = False, **_: Any) -> None:
        role, doctor_id = data.get("role"), data.get("doctor_id")
        if role == "doctor" and not doctor_id and not partial:
            raise ValidationError("A doctor account needs doctor_id.", "doctor_id")
        if role and role != "doctor" and doctor_id:
            raise ValidationError("Only doctor accounts link to a doctor.", "doctor_id")


class LoginSchema(HubSchema):
    email = fields.String(required=True, validate=validate.Length(min=1, max=320))
    password = fields.String(required=True, validate=validate.Length(min=1, max=1024))
