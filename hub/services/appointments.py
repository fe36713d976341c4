"""Appointments: references checked, end derived, doctors limited to their own agenda."""

from __future__ import annotations

from typing import Any

from hub.auth.permissions import Principal, require_own_agenda
from hub.domain.appointments import AppointmentSchema, with_end
from hub.domain.clock import local_day_bounds
from hub.domain.queries import AppointmentListSchema
from hub.errors import Invalid, NotFound
from hub.services.records import RecordService
from hub.store.base import Record
from hub.store.query import Query, Range


class AppointmentService(RecordService):
    table = "appointments"
    schema_class = AppointmentSchema
    list_schema_class = AppointmentListSchema

    async def check_references(self, record: Record) -> None:
        problems = {}
        for field, table in (("patient_id", "patients"), ("doctor_id", "doctors")):
            try:
                found = await self.store.get(table, record[field])
            except NotFound:
                problems[field] = ["No such record."]
                continue
            if table == "doctors" and "duration_minutes" not in record:
                record["duration_minutes"] = found.get("slot_minutes", 15)
        if problems:
            raise Invalid("The appointment references missing records.", fields=problems)
        with_end(record)

    def check_write(self, principal: Principal, data: Record, current: Record | None) -> None:
        if current is not None:
            require_own_agenda(principal, current["doctor_id"])
        if "doctor_id" in data or current is None:
            require_own_agenda(principal, data.get("doctor_id"))

    def check_read(self, principal: Principal, record: Record) -> None:
        require_own_agenda(principal, record["doctor_id"])

    def scope(self, principal: Principal, filters: dict[str, Any]) -> dict[str, Any]:
        if principal.own_agenda_only:
            require_own_agenda(principal, filters.get("doctor_id", principal.doctor_id))
            filters["doctor_id"] = principal.doctor_id
        return filters

    def to_query(self, filters: dict[str, Any]) -> Query:
        """``date`` is a clinic-local day: an appointment overlapping it (e.g. 23:45-00:15) is on it."""
        ranges = []
        if (day := filters.pop("date", None)) is not None:
            low, high = local_day_bounds(day, self.config.timezone)
            ranges += [Range("start", lt=high), Range("end", gt=low)]
        if (low := filters.pop("from_", None)) is not None:
            ranges.append(Range("end", gt=low))
        if (high := filters.pop("to", None)) is not None:
            ranges.append(Range("start", lt=high))
        query = super().to_query(filters)
        return Query(equals=query.equals, ranges=tuple(ranges), skip=query.skip, limit=query.limit)
