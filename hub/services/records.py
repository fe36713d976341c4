"""The CRUD flow shared by patients, doctors and appointments.

A subclass names its table and schemas and overrides the hooks it needs: ``prepare``
(derived fields), ``check_references``, ``scope`` (row-level limits per role),
``before_delete`` and ``present`` (what a role may see).
"""

from __future__ import annotations

import asyncio
import dataclasses
import random
from typing import Any, ClassVar

from marshmallow import Schema

from hub.auth.permissions import Principal, require
from hub.config import Config
from hub.domain.base import shared_schema
from hub.domain.queries import IdsSchema
from hub.errors import Conflict, Forbidden, Invalid, NotFound
from hub.services.validation import load
from hub.store.base import Record, Store
from hub.store.query import Query

UPDATE_RETRIES = 8
RETRY_JITTER_SECONDS = 0.005  # writers that lost the race re-read at different moments


async def retry_pause(attempt: int) -> None:
    """A short, growing, jittered wait before an unversioned write re-reads and tries again."""
    await asyncio.sleep(random.uniform(0, RETRY_JITTER_SECONDS) * (attempt + 1))


@dataclasses.dataclass
class RecordService:
    store: Store
    config: Config

    table: ClassVar[str]
    schema_class: ClassVar[type[Schema]]
    list_schema_class: ClassVar[type[Schema]]

    def schema(self, **kwargs: Any) -> Schema:
        return shared_schema(self.schema_class, clinic_tz=self.config.timezone, id_formats=self.config.national_id_formats, **kwargs)

    def query_schema(self, schema_class: type[Schema]) -> Schema:
        """A list/search parameter schema bound to the clinic's zone and page limit."""
        return shared_schema(schema_class, clinic_tz=self.config.timezone, max_limit=self.config.list_max_limit)

    # -- hooks ----------------------------------------------------------------------------
    async def prepare(self, record: Record) -> Record:
        """Derive stored fields (search keys, hashes) from the validated record."""
        return record

    async def check_references(self, record: Record) -> None:
        return None

    def check_write(self, principal: Principal, data: Record, current: Record | None) -> None:
        return None

    def check_read(self, principal: Principal, record: Record) -> None:
        return None

    def hidden_fields(self, principal: Principal) -> tuple[str, ...]:
        """Stored fields this role can neither see nor write; its full replace keeps them."""
        return ()

    def scope(self, principal: Principal, filters: dict[str, Any]) -> dict[str, Any]:
        return filters

    def to_query(self, filters: dict[str, Any]) -> Query:
        skip, limit = filters.pop("skip", 0), filters.pop("limit", None)
        return Query(equals=filters, skip=skip, limit=limit)

    async def before_delete(self, record: Record) -> None:
        return None

    def present(self, principal: Principal, record: Record) -> dict[str, Any]:
        return self.schema().dump(record)

    def present_view(self, view: str, record: Record) -> dict[str, Any]:
        """The record as a live view (see hub.realtime.filters.view_for) shows it."""
        return self.schema().dump(record)

    # -- use-cases ------------------------------------------------------------------------
    async def create(self, principal: Principal, payload: Any) -> dict[str, Any]:
        require(principal, self.table, "create")
        data = load(self.schema(), payload)
        self.check_write(principal, data, None)
        record = await self.prepare(data)
        await self.check_references(record)
        return self.present(principal, await self.store.insert(self.table, record))

    async def get(self, principal: Principal, record_id: str) -> dict[str, Any]:
        require(principal, self.table, "read")
        record = await self.store.get(self.table, record_id)
        self.check_read(principal, record)
        return self.present(principal, record)

    async def get_many(self, principal: Principal, params: Any) -> list[dict[str, Any]]:
        """The records of ``{"ids": [...]}`` in the order asked, each once; an id with no
        record, or one this role may not read, is left out (a screen naming many rows)."""
        require(principal, self.table, "read")
        ids = list(dict.fromkeys(load(self.query_schema(IdsSchema), params)["ids"]))
        found = await asyncio.gather(*(self._readable(principal, record_id) for record_id in ids))
        return [self.present(principal, record) for record in found if record is not None]

    async def _readable(self, principal: Principal, record_id: str) -> Record | None:
        try:
            record = await self.store.get(self.table, record_id)
            self.check_read(principal, record)
        except (NotFound, Forbidden):
            return None
        return record

    async def list(self, principal: Principal, params: Any) -> list[dict[str, Any]]:
        require(principal, self.table, "read")
        filters = self.scope(principal, load(self.query_schema(self.list_schema_class), params))
        records = await self.store.list(self.table, self.to_query(filters))
        return [self.present(principal, record) for record in records]

    async def update(
        self, principal: Principal, record_id: str, payload: Any, *, version: int | None = None, replace: bool = False
    ) -> dict[str, Any]:
        require(principal, self.table, "update")
        data = load(self.schema(), payload, partial=not replace)
        if not data and not replace:
            raise Invalid("Nothing to update.", fields={"data": ["Give at least one field."]})
        for attempt in range(UPDATE_RETRIES):
            current = await self.store.get(self.table, record_id)
            self.check_read(principal, current)
            self.check_write(principal, data, current)
            kept = {f: current[f] for f in self.hidden_fields(principal) if replace and f in current}
            merged = await self.prepare(self._merge(current, {**data, **kept}, replace))
            await self.check_references(merged)
            expected = current["version"] if version is None else version  # If-Match: 0 must not match
            try:
                saved = await self.store.update(self.table, record_id, merged, expected_version=expected, replace=True)
            except Conflict as exc:
                if exc.code != "version_conflict" or version is not None or attempt == UPDATE_RETRIES - 1:
                    raise
                await retry_pause(attempt)
                continue
            return self.present(principal, saved)
        raise AssertionError("unreachable")

    def _merge(self, current: Record, data: Record, replace: bool) -> Record:
        meta = {k: current[k] for k in ("id", "version", "created_at", "updated_at")}
        base = {} if replace else {k: v for k, v in current.items() if k not in meta}
        return {**base, **data}

    async def delete(self, principal: Principal, record_id: str, *, version: int | None = None) -> dict[str, Any]:
        require(principal, self.table, "delete")
        record = await self.store.get(self.table, record_id)
        self.check_read(principal, record)
        await self.before_delete(record)
        expected = record["version"] if version is None else version
        removed = await self.store.delete(self.table, record_id, expected_version=expected)
        return self.present(principal, removed)
