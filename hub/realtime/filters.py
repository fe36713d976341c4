"""Subscription filters: which records a live view holds, and how each one is presented.

Pure functions over records; the same keys as ``list`` filters:
- appointments: ``doctor_id``, ``date`` (clinic-local day, overlap semantics) and/or ``patient_id``;
- patients: ``id``;
- doctors: none (all).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from marshmallow import fields, validate

from hub.auth.permissions import Principal, require, require_own_agenda
from hub.domain.base import HubSchema, shared_schema
from hub.domain.clock import local_day_bounds
from hub.domain.fields import Text
from hub.domain.lifecycle import IN_QUEUE
from hub.errors import Invalid
from hub.services.validation import load


class AppointmentFilterSchema(HubSchema):
    doctor_id = Text(max_length=64)
    patient_id = Text(max_length=64)
    date = fields.Date()


class PatientFilterSchema(HubSchema):
    id = Text(required=True, max_length=64)


class DoctorFilterSchema(HubSchema):
    pass


class QueueFilterSchema(HubSchema):
    doctor_ids = fields.List(Text(max_length=64), validate=validate.Length(max=50))
    rooms = fields.List(Text(max_length=40), validate=validate.Length(max=50))


SCHEMAS = {
    "appointments": AppointmentFilterSchema,
    "patients": PatientFilterSchema,
    "doctors": DoctorFilterSchema,
    "queue": QueueFilterSchema,
}


@dataclasses.dataclass(frozen=True)
class Filter:
    table: str
    equals: tuple[tuple[str, str], ...] = ()
    window: tuple[dt.datetime, dt.datetime] | None = None
    day: dt.date | None = None
    any_of: tuple[tuple[str, tuple[str, ...]], ...] = ()

    @property
    def key(self) -> str:
        parts = [f"{k}={v}" for k, v in self.equals]
        parts += [f"{k}={'|'.join(v)}" for k, v in self.any_of]
        if self.day is not None:
            parts.append(f"date={self.day.isoformat()}")
        return ",".join(parts) or "all"

    def matches(self, record: dict[str, Any] | None) -> bool:
        if record is None:
            return False
        if any(record.get(k) != v for k, v in self.equals):
            return False
        if any(record.get(k) not in values for k, values in self.any_of):
            return False
        if self.window is not None:
            low, high = self.window
            return record["start"] < high and record["end"] > low
        return True


def parse_filter(table: str, raw: Any, tz: ZoneInfo, principal: Principal) -> Filter:
    """Validate a subscribe filter and check that ``principal`` may hold that view."""
    if table not in SCHEMAS:
        raise Invalid(f"{table} has no subscriptions.")
    require(principal, table, "read")
    data = load(shared_schema(SCHEMAS[table]), {} if raw is None else raw)
    if table == "queue":
        return queue_filter(data, tz)
    if table == "appointments":
        if principal.own_agenda_only:
            require_own_agenda(principal, data.get("doctor_id"))
        if not data:
            raise Invalid("Subscribe to a doctor, a patient or a day.", fields={"filter": ["Give doctor_id, patient_id or date."]})
    day = data.pop("date", None)
    window = local_day_bounds(day, tz) if day is not None else None
    return Filter(table=table, equals=tuple(sorted(data.items())), window=window, day=day)


def queue_filter(data: dict[str, Any], tz: ZoneInfo) -> Filter:
    """Today's waiting-room queue for some doctors and/or rooms (all when neither is given)."""
    today = dt.datetime.now(tz).date()
    any_of = [("status", IN_QUEUE)]
    for key, field in (("doctor_ids", "doctor_id"), ("rooms", "room")):
        if data.get(key):
            any_of.append((field, tuple(sorted(set(data[key])))))
    return Filter(table="appointments", window=local_day_bounds(today, tz), day=today, any_of=tuple(any_of))


def view_for(principal: Principal, table: str) -> str:
    """Which presentation a principal gets; one room per (filter, view)."""
    if table == "queue":
        return "display"
    if table == "patients":
        return "clinical" if principal.sees_medical_history else "desk"
    return "staff"
