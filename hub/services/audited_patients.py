"""Patients with an audit trail: every successful read and write of patient data appends an
audit record (see ``hub.services.audit``), whether it came over REST or a socket.

A read is recorded before its data is returned: if the audit record cannot be written,
the caller gets an error instead of the data. A write is recorded after it is committed.
Also the bulk import, which creates patients row by row and records them in batches.
"""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator
from typing import Any

from hub.auth.permissions import Principal, require
from hub.errors import HubError
from hub.services.audit import AuditLog
from hub.services.patients import PatientService

IMPORT_AUDIT_BATCH = 500
# A row of an import: its 1-based number and its parsed value, or the error that made it unreadable.
ImportRow = tuple[int, Any]


@dataclasses.dataclass
class AuditedPatientService(PatientService):
    audit: AuditLog

    async def _audited(self, principal: Principal, action: str, records: list[dict[str, Any]]) -> None:
        await self.audit.record(principal, action, self.table, [r["id"] for r in records])

    async def create(self, principal: Principal, payload: Any) -> dict[str, Any]:
        created = await super().create(principal, payload)
        await self._audited(principal, "create", [created])
        return created

    async def get(self, principal: Principal, record_id: str) -> dict[str, Any]:
        found = await super().get(principal, record_id)
        await self._audited(principal, "read", [found])
        return found

    async def get_many(self, principal: Principal, params: Any) -> list[dict[str, Any]]:
        found = await super().get_many(principal, params)
        await self._audited(principal, "read", found)
        return found

    async def list(self, principal: Principal, params: Any) -> list[dict[str, Any]]:
        found = await super().list(principal, params)
        await self._audited(principal, "list", found)
        return found

    async def search(self, principal: Principal, params: Any) -> list[dict[str, Any]]:
        found = await super().search(principal, params)
        await self._audited(principal, "search", found)
        return found

    async def update(self, principal: Principal, record_id: str, payload: Any, **kwargs: Any) -> dict[str, Any]:
        saved = await super().update(principal, record_id, payload, **kwargs)
        await self._audited(principal, "update", [saved])
        return saved

    async def delete(self, principal: Principal, record_id: str, **kwargs: Any) -> dict[str, Any]:
        removed = await super().delete(principal, record_id, **kwargs)
        await self._audited(principal, "delete", [removed])
        return removed

    async def import_rows(self, principal: Principal, rows: AsyncIterator[ImportRow]) -> dict[str, Any]:
        """Create each row like ``create`` would; a bad row is reported, not fatal."""
        require(principal, self.table, "create")
        created: list[str] = []
        errors: list[dict[str, Any]] = []
        try:
            async for number, value in rows:
                await self._import_one(principal, number, value, created, errors)
        except HubError as exc:  # the body itself failed (too large, unreadable) part way
            exc.details = {**(exc.details or {}), "created": len(created)}
            raise
        finally:
            for start in range(0, len(created), IMPORT_AUDIT_BATCH):
                await self.audit.record(principal, "import", self.table, created[start : start + IMPORT_AUDIT_BATCH])
        return {"created": len(created), "errors": errors}

    async def _import_one(
        self, principal: Principal, number: int, value: Any, created: list[str], errors: list[dict[str, Any]]
    ) -> None:
        try:
            if isinstance(value, HubError):
                raise value
            created.append((await super().create(principal, value))["id"])
        except HubError as exc:
            if exc.status >= 500:
                raise
            errors.append({"row": number, "error": exc.to_payload()})
