"""Appointments: a patient, a doctor, a start (aware), a duration and a status."""

from __future__ import annotations

import datetime as dt
from typing import Any

from marshmallow import fields, validate

from hub.domain.base import RecordSchema
from hub.domain.fields import ClinicDateTime, Text

STATUSES = ("scheduled", "checked_in", "called", "in_progress", "completed", "cancelled", "no_show")
ACTIVE_STATUSES = ("scheduled", "checked_in", "called", "in_progress")


class AppointmentSchema(RecordSchema):
    patient_id = Text(required=True, max_length=64)
    doctor_id = Text(required=True, max_length=64)
    start = ClinicDateTime(required=True)
    duration_minutes = fields.Integer(strict=True, validate=validate.Range(5, 480))
    end = ClinicDateTime(dump_only=True)
    reason = Text(required=True, max_length=500)
    status = fields.String(validate=validate.OneOf(STATUSES), load_default="scheduled")
    notes = Text(max_length=2000, allow_blank=True, allow_none=True)


def with_end(appointment: dict[str, Any]) -> dict[str, Any]:
    """The end is derived from start and duration, and stored so it can be queried."""
    if "start" in appointment and "duration_minutes" in appointment:
        appointment["end"] = appointment["start"] + dt.timedelta(minutes=appointment["duration_minutes"])
    return appointment
