"""Appointments: references, hours and capacity checked; doctors limited to their own agenda."""

from __future__ import annotations

import uuid
from typing import Any

from hub.auth.permissions import DESK, Principal, require, require_own_agenda
from hub.domain import schedule
from hub.domain.appointments import ACTIVE_STATUSES, SERVER_FIELDS, AppointmentSchema, with_end
from hub.domain.clock import local_day_bounds
from hub.domain.queries import AppointmentListSchema
from hub.domain.queue import QueueItemSchema, QueueItemWithInitialsSchema
from hub.errors import Conflict, Forbidden, Invalid, NotFound
from hub.services import capacity
from hub.services.records import UPDATE_RETRIES, RecordService, retry_pause
from hub.services.validation import load
from hub.store.base import Record
from hub.store.query import Query, Range

TIMING_FIELDS = ("start", "duration_minutes", "doctor_id")


class AppointmentService(RecordService):
    table = "appointments"
    schema_class = AppointmentSchema
    list_schema_class = AppointmentListSchema

    async def check_references(self, record: Record) -> None:
        await self._doctor_for(record)

    async def _doctor_for(self, record: Record) -> Record:
        """Check both references; fill the default duration and the derived end."""
        problems, doctor = {}, None
        for field, table in (("patient_id", "patients"), ("doctor_id", "doctors")):
            try:
                found = await self.store.get(table, record[field])
            except NotFound:
                problems[field] = ["No such record."]
                continue
            if table == "doctors":
                doctor = found
                record.setdefault("duration_minutes", found.get("slot_minutes", 15))
        if problems or doctor is None:
            raise Invalid("The appointment references missing records.", fields=problems)
        with_end(record)
        return doctor

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

    def present_view(self, view: str, record: Record) -> dict[str, Any]:
        if view == "display":
            schema = QueueItemWithInitialsSchema if self.config.display_names == "initials" else QueueItemSchema
            return schema().dump({"recalls": 0, "called_at": None, **record})
        return self.schema().dump(record)

    # -- capacity -------------------------------------------------------------------------
    def _check_force(self, principal: Principal, force: bool) -> None:
        if force and principal.role not in DESK:
            raise Forbidden("Only reception or an admin may overbook.", fields={"force": ["Not allowed for this role."]})

    def _check_hours(self, doctor: Record, record: Record) -> None:
        tz = self.config.timezone
        if not schedule.on_grid(record["start"], record["duration_minutes"]):
            raise Invalid(fields={"start": ["Times and durations go in steps of 5 minutes."]})
        if not schedule.within_hours(doctor, record["start"], record["end"], tz):
            raise Conflict("The appointment is outside the doctor's hours.", code="outside_hours",
                           fields={"start": ["Outside the doctor's hours; reception may force it."]})

    async def _reserve(self, doctor: Record, record: Record, current: Record | None, force: bool) -> list[str]:
        """The claims ``record`` must hold after the write (taking any new ones now)."""
        if record.get("status", "scheduled") not in ACTIVE_STATUSES or force:
            return []
        if current is not None and not current.get("forced") and all(current.get(f) == record.get(f) for f in TIMING_FIELDS):
            return list(current.get("_claims", []))
        self._check_hours(doctor, record)
        return await capacity.take(
            self.store, record["doctor_id"], record["start"], record["end"], doctor.get("capacity", 1), record["id"]
        )

    # -- use-cases ------------------------------------------------------------------------
    async def create(self, principal: Principal, payload: Any) -> dict[str, Any]:
        require(principal, self.table, "create")
        data = load(self.schema(), payload)
        force = data.pop("force", False)
        self._check_force(principal, force)
        if data.get("status") != "scheduled":
            raise Invalid(fields={"status": ["New appointments are scheduled; use the lifecycle events."]})
        self.check_write(principal, data, None)
        record = {**data, "id": uuid.uuid4().hex, "forced": force, "recalls": 0, "transitions": []}
        doctor = await self._doctor_for(record)
        record["_claims"] = await self._reserve(doctor, record, None, force)
        try:
            saved = await self.store.insert(self.table, record)
        except BaseException:
            await capacity.release(self.store, record["_claims"], record["id"])
            raise
        return self.present(principal, saved)

    async def update(
        self, principal: Principal, record_id: str, payload: Any, *, version: int | None = None, replace: bool = False
    ) -> dict[str, Any]:
        require(principal, self.table, "update")
        data = load(self.schema(), payload, partial=not replace)
        force = data.pop("force", False)
        self._check_force(principal, force)
        if replace:
            data.pop("status", None)
        elif "status" in data:
            raise Invalid(fields={"status": ["Use the lifecycle events (check_in, cancel, ...)."]})
        if not data:
            raise Invalid("Nothing to update.", fields={"data": ["Give at least one field."]})
        for attempt in range(UPDATE_RETRIES):
            current = await self.store.get(self.table, record_id)
            self.check_read(principal, current)
            self.check_write(principal, data, current)
            saved = await self._write(current, data, replace, force, version, last=attempt == UPDATE_RETRIES - 1)
            if saved is not None:
                return self.present(principal, saved)
            await retry_pause(attempt)
        raise AssertionError("unreachable")

    async def _write(self, current: Record, data: Record, replace: bool, force: bool, version: int | None, last: bool) -> Record | None:
        kept = {k: current[k] for k in SERVER_FIELDS if k in current}
        merged = {**self._merge(current, data, replace), **kept, "id": current["id"]}
        merged.pop("end", None)
        doctor = await self._doctor_for(merged)
        claims = await self._reserve(doctor, merged, current, force)
        merged["_claims"], merged["forced"] = claims, force or (current.get("forced", False) and claims == [])
        fresh = [k for k in claims if k not in current.get("_claims", [])]
        try:
            saved = await self.store.update(
                self.table, current["id"], merged, replace=True,
                expected_version=current["version"] if version is None else version,  # If-Match: 0 must not match
            )
        except Conflict as exc:
            await capacity.release(self.store, fresh, current["id"])
            if exc.code != "version_conflict" or version is not None or last:
                raise
            return None
        await capacity.release(self.store, [k for k in current.get("_claims", []) if k not in claims], current["id"])
        return saved

    async def delete(self, principal: Principal, record_id: str, *, version: int | None = None) -> dict[str, Any]:
        require(principal, self.table, "delete")
        record = await self.store.get(self.table, record_id)
        self.check_read(principal, record)
        expected = record["version"] if version is None else version
        removed = await self.store.delete(self.table, record_id, expected_version=expected)
        await capacity.release(self.store, list(removed.get("_claims", [])), record_id)
        return self.present(principal, removed)

    async def free_claims(self, record: Record, keys: list[str]) -> None:
        await capacity.release(self.store, keys, record["id"])
