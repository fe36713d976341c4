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

from marshmallow import fields

from hub.auth.permissions import Principal, require, require_own_agenda
from hub.domain.base import HubSchema
from hub.domain.clock import local_day_bounds
from hub.domain.fields import Text
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


SCHEMAS = {"appointments": AppointmentFilterSchema, "patients": PatientFilterSchema, "doctors": DoctorFilterSchema}


@dataclasses.dataclass(frozen=True)
class Filter:
    table: str
    equals: tuple[tuple[str, str], ...] = ()
    window: tuple[dt.datetime, dt.datetime] | None = None
    day: dt.date | None = None

    @property
    def key(self) -> str:
        parts = [f"{k}={v}" for k, v in self.equals]
        if self.day is not None:
            parts.append(f"date={self.day.isoformat()}")
        return ",".join(parts) or "all"

    def matches(self, record: dict[str, Any] | None) -> bool:
        if record is None:
            return False
        if any(record.get(k) != v for k, v in self.equals):
            return False
        if self.window is not None:
            low, high = self.window
            return record["start"] < high and record["end"] > low
        return True

    def as_list_params(self) -> dict[str, Any]:
        params: dict[str, Any] = dict(self.equals)
        if self.day is not None:
            params["date"] = self.day.isoformat()
        return params


def parse_filter(table: str, raw: Any, tz: ZoneInfo, principal: Principal) -> Filter:
    """Validate a subscribe filter and check that ``principal`` may hold that view."""
    if table not in SCHEMAS:
        raise Invalid(f"{table} has no subscriptions.")
    require(principal, table, "read")
    data = load(SCHEMAS[table](), {} if raw is None else raw)
    if table == "appointments":
        if principal.own_agenda_only:
            require_own_agenda(principal, data.get("doctor_id"))
        if not data:
            raise Invalid("Subscribe to a doctor, a patient or a day.", fields={"filter": ["Give doctor_id, patient_id or date."]})
    day = data.pop("date", None)
    window = local_day_bounds(day, tz) if day is not None else None
    return Filter(table=table, equals=tuple(sorted(data.items())), window=window, day=day)


def view_for(principal: Principal, table: str) -> str:
    """Which presentation a principal gets; one room per (filter, view)."""
    if table == "patients":
        return "clinical" if principal.sees_medical_history else "desk"
    return "staff"
