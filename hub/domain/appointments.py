"""Appointments: a patient, a doctor, a start (aware), a duration and a status."""

from __future__ import annotations

import datetime as dt
from typing import Any

from marshmallow import fields, validate

from hub.domain.base import HubSchema, RecordSchema
from hub.domain.fields import ClinicDateTime, Text

STATUSES = ("scheduled", "checked_in", "called", "in_progress", "completed", "cancelled", "no_show")
ACTIVE_STATUSES = ("scheduled", "checked_in", "called", "in_progress")


class TransitionSchema(HubSchema):
    status = fields.String()
    at = fields.String()
    by = fields.String()


class AppointmentSchema(RecordSchema):
    patient_id = Text(required=True, max_length=64)
    doctor_id = Text(required=True, max_length=64)
    start = ClinicDateTime(required=True)
    duration_minutes = fields.Integer(strict=True, validate=validate.Range(5, 480))
    end = ClinicDateTime(dump_only=True)
    reason = Text(required=True, max_length=500)
    # Only "scheduled" on create; afterwards the lifecycle events move it (hub/domain/lifecycle.py).
    status = fields.String(validate=validate.OneOf(STATUSES), load_default="scheduled")
    notes = Text(max_length=2000, allow_blank=True, allow_none=True)
    force = fields.Boolean(load_only=True)
    forced = fields.Boolean(dump_only=True)
    ticket = fields.String(dump_only=True)
    room = fields.String(dump_only=True)
    checked_in_at = ClinicDateTime(dump_only=True)
    called_at = ClinicDateTime(dump_only=True)
    recalls = fields.Integer(dump_only=True)
    transitions = fields.List(fields.Nested(TransitionSchema), dump_only=True)


# Fields the server manages; a full replace (PUT) keeps them.
SERVER_FIELDS = (
    "status", "forced", "ticket", "room", "doctor_name", "checked_in_at", "called_at", "recalls",
    "transitions", "_claims", "_initials",
)


def with_end(appointment: dict[str, Any]) -> dict[str, Any]:
    """The end is derived from start and duration, and stored so it can be queried."""
    if "start" in appointment and "duration_minutes" in appointment:
        appointment["end"] = appointment["start"] + dt.timedelta(minutes=appointment["duration_minutes"])
    return appointment
