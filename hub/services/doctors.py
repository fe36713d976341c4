"""Doctors: admins manage them, staff read them."""

from __future__ import annotations

from hub.domain.doctors import DoctorSchema
from hub.domain.queries import DoctorListSchema
from hub.errors import Conflict
from hub.services.records import RecordService
from hub.store.base import Record


class DoctorService(RecordService):
    table = "doctors"
    schema_class = DoctorSchema
    list_schema_class = DoctorListSchema

    async def before_delete(self, record: Record) -> None:
        if await self.store.count("appointments", {"doctor_id": record["id"]}):
            raise Conflict("The doctor has appointments; move or delete them first.")
        if await self.store.count("users", {"doctor_id": record["id"]}):
            raise Conflict("A user account is linked to this doctor; unlink it first.")
