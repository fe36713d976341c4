"""What a waiting-room display may see: no patient data at all, enforced by this schema."""

from __future__ import annotations

from typing import Any

from marshmallow import fields

from hub.domain.base import HubSchema
from hub.domain.fields import ClinicDateTime

QUEUE_FIELDS = ("id", "ticket", "room", "doctor", "status", "called_at", "recalls")


class QueueItemSchema(HubSchema):
    id = fields.String()
    ticket = fields.String()
    room = fields.String(allow_none=True)
    doctor = fields.String(attribute="doctor_name")
    status = fields.String()
    called_at = ClinicDateTime(allow_none=True)
    recalls = fields.Integer()


class QueueItemWithInitialsSchema(QueueItemSchema):
    initials = fields.String(attribute="_initials", allow_none=True)


def initials(patient: dict[str, Any]) -> str:
    """'José Ñúñez Peña' -> 'J. Ñ.'"""
    first = patient.get("first_name", "")[:1]
    last = patient.get("last_name", "")[:1]
    return f"{first}. {last}.".strip()
