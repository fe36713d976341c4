"""Patients: unique national ID, accent-insensitive search, history for clinicians only."""

from __future__ import annotations

from typing import Any

from hub.auth.permissions import Principal, require, require_patient_fields
from hub.domain import patients
from hub.domain.queries import PatientListSchema, PatientSearchSchema
from hub.domain.text import search_terms
from hub.errors import Conflict
from hub.services.records import RecordService
from hub.services.validation import load
from hub.store.base import Record
from hub.store.query import Query


class PatientService(RecordService):
    table = "patients"
    schema_class = patients.PatientSchema
    list_schema_class = PatientListSchema

    async def prepare(self, record: Record) -> Record:
        return {**record, "_search": patients.search_key(record)}

    def check_write(self, principal: Principal, data: Record, current: Record | None) -> None:
        require_patient_fields(principal, data)

    def hidden_fields(self, principal: Principal) -> tuple[str, ...]:
        return () if principal.sees_medical_history else patients.PRIVATE_FIELDS

    def present(self, principal: Principal, record: Record) -> dict[str, Any]:
        return self.present_view("clinical" if principal.sees_medical_history else "desk", record)

    def present_view(self, view: str, record: Record) -> dict[str, Any]:
        exclude = () if view == "clinical" else patients.PRIVATE_FIELDS
        return self.schema(exclude=exclude).dump(record)

    async def before_delete(self, record: Record) -> None:
        if await self.store.count("appointments", {"patient_id": record["id"]}):
            raise Conflict("The patient has appointments; cancel or delete them first.")

    async def search(self, principal: Principal, params: Any) -> list[dict[str, Any]]:
        require(principal, self.table, "read")
        query = load(self.query_schema(PatientSearchSchema), params)
        terms = tuple(search_terms(query["q"]))
        found = await self.store.list(self.table, Query(search=terms, skip=query["skip"], limit=query["limit"]))
        return [self.present(principal, record) for record in found]
