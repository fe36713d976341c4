"""A clinic's working day: availability, check-in, calling, and the rest of the lifecycle."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

from marshmallow import fields

from hub.auth.permissions import DESK, Principal, require, require_own_agenda
from hub.config import Config
from hub.domain import lifecycle, schedule
from hub.domain.appointments import ACTIVE_STATUSES
from hub.domain.base import HubSchema, shared_schema
from hub.domain.clock import local_day_bounds, utcnow
from hub.domain.doctors import display_name
from hub.domain.fields import Text
from hub.domain.queue import initials
from hub.errors import Conflict, Forbidden, NotFound
from hub.services import tickets
from hub.services.appointments import AppointmentService
from hub.services.validation import load
from hub.store.base import Record, Store
from hub.store.query import Query, Range

ATTEMPTS = 20


class AvailabilitySchema(HubSchema):
    doctor_id = Text(required=True, max_length=64)
    date = fields.Date(required=True)


class IdReasonSchema(HubSchema):
    id = Text(required=True, max_length=64)
    reason = Text(max_length=500)


class DoctorIdSchema(HubSchema):
    doctor_id = Text(required=True, max_length=64)


@dataclasses.dataclass
class SchedulingService:
    store: Store
    config: Config
    appointments: AppointmentService

    def _iso(self, instant: dt.datetime) -> str:
        return instant.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")

    async def availability(self, principal: Principal, payload: Any) -> list[dict[str, str]]:
        require(principal, "appointments", "read")
        query = load(shared_schema(AvailabilitySchema), payload)
        doctor = await self.store.get("doctors", query["doctor_id"])
        tz = self.config.timezone
        low, high = local_day_bounds(query["date"], tz)
        # Appointments that can overlap this day's slots, including overnight shifts' tails.
        window = (Range("start", lt=high + dt.timedelta(days=1)), Range("end", gt=low - dt.timedelta(days=1)))
        booked = await self.store.list("appointments", Query(equals={"doctor_id": doctor["id"]}, ranges=window))
        busy = [(a["start"], a["end"]) for a in booked if a["status"] in ACTIVE_STATUSES and not a.get("forced")]
        free = schedule.free_slots(doctor, query["date"], tz, busy)
        return [{"start": self._iso(s), "end": self._iso(e)} for s, e in free]

    # -- lifecycle --------------------------------------------------------------------------
    def _require_role(self, principal: Principal, event: str, appointment: Record) -> None:
        require(principal, "appointments", "update")
        if event in ("check_in", "cancel"):
            if principal.role not in DESK:
                raise Forbidden("Only reception or an admin may do this.")
        else:
            require_own_agenda(principal, appointment["doctor_id"])

    async def _move(self, principal: Principal, record_id: str, event: str, extra: dict[str, Any] | None = None) -> dict[str, Any]:
        """Apply one lifecycle event with an expected version, re-reading on a race."""
        for attempt in range(ATTEMPTS):
            current = await self.store.get("appointments", record_id)
            self._require_role(principal, event, current)
            changes = await self._changes_for(principal, current, event, extra or {})
            try:
                saved = await self.store.update("appointments", record_id, changes, expected_version=current["version"])
            except Conflict as exc:
                if exc.code == "version_conflict" and attempt < ATTEMPTS - 1:
                    continue
                raise
            if saved["status"] in lifecycle.FREES_CAPACITY:
                await self.appointments.free_claims(saved, list(current.get("_claims", [])))
            return self.appointments.present(principal, saved)
        raise AssertionError("unreachable")

    async def _changes_for(self, principal: Principal, current: Record, event: str, extra: dict[str, Any]) -> dict[str, Any]:
        now = utcnow()
        if event == "recall":
            lifecycle.check_recall(current["status"])
            status, changes = "called", {"called_at": now, "recalls": current.get("recalls", 0) + 1}
        else:
            status = lifecycle.EVENTS[event]
            lifecycle.check(current["status"], status)
            changes = {"status": status}
        entry = {"status": "recalled" if event == "recall" else status, "at": self._iso(now), "by": principal.user_id}
        changes["transitions"] = [*current.get("transitions", []), entry]
        if status == "checked_in":
            changes.update(await self._check_in_fields(current, now))
        elif event == "call":
            changes["called_at"] = now
        if status in lifecycle.FREES_CAPACITY:
            changes["_claims"] = []
        if event == "cancel" and extra.get("reason"):
            changes["cancel_reason"] = extra["reason"]
        return changes

    async def _check_in_fields(self, current: Record, now: dt.datetime) -> dict[str, Any]:
        day = schedule.local_date(now, self.config.timezone)
        lifecycle.check_check_in_day(current["status"], schedule.local_date(current["start"], self.config.timezone), day)
        doctor = await self.store.get("doctors", current["doctor_id"])
        fields_ = {
            "checked_in_at": now,
            "ticket": await tickets.next_ticket(self.store, day, doctor.get("ticket_prefix", "A")),
            "room": doctor.get("room"),
            "doctor_name": display_name(doctor),
        }
        if self.config.display_names == "initials":
            patient = await self.store.get("patients", current["patient_id"])
            fields_["_initials"] = initials(patient)
        return fields_

    async def event(self, principal: Principal, event: str, payload: Any) -> dict[str, Any]:
        request = load(shared_schema(IdReasonSchema), payload)
        if "reason" in request and event != "cancel":
            request.pop("reason")
        return await self._move(principal, request["id"], event, request)

    async def call_next(self, principal: Principal, payload: Any) -> dict[str, Any]:
        """The doctor's longest-waiting checked-in patient: earliest start, then earliest arrival."""
        doctor_id = load(shared_schema(DoctorIdSchema), payload)["doctor_id"]
        require(principal, "appointments", "update")
        require_own_agenda(principal, doctor_id)
        low, high = local_day_bounds(schedule.local_date(utcnow(), self.config.timezone), self.config.timezone)
        for _ in range(ATTEMPTS):
            waiting = await self.store.list("appointments", Query(
                equals={"doctor_id": doctor_id, "status": "checked_in"}, ranges=(Range("start", lt=high), Range("end", gt=low))))
            if not waiting:
                raise NotFound("Nobody is waiting for this doctor.")
            first = min(waiting, key=lambda a: (a["start"], a.get("checked_in_at") or a["start"]))
            try:
                return await self._call_exactly(principal, first)
            except Conflict:
                continue  # someone called this patient first; take the next one
        raise NotFound("Nobody is waiting for this doctor.")

    async def _call_exactly(self, principal: Principal, appointment: Record) -> dict[str, Any]:
        changes = await self._changes_for(principal, appointment, "call", {})
        saved = await self.store.update("appointments", appointment["id"], changes, expected_version=appointment["version"])
        return self.appointments.present(principal, saved)
