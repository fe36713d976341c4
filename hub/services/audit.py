"""The audit trail: who read or wrote which patient records, append-only and hash-chained.

Every record holds ``who`` (user id), ``role``, ``action``, ``table``, ``record_id`` (for
single-record actions) and ``record_ids``, ``at``, ``instance``, ``client`` (address, when
known), ``seq``, ``prev_hash`` and ``hash``. It is only ever inserted; nothing in the hub
updates or deletes it.

Tamper evidence: ``hash`` is the SHA-256 of the canonical JSON of the record's ``HASHED``
fields, ``prev_hash`` included, so changing, removing or reordering a record breaks the
chain (see ``hub.services.audit_verify`` and ``clinic-hub audit verify``).

Chains: every hub process appends to its own chain, keyed by its ``instance`` id (host,
pid and a random part, new at each start), with its own ``seq`` 1, 2, 3... Within a
process appends are serialized by a lock; the chain head is read from the store at the
first append and then kept in memory, which is exact because no other writer appends to
this chain. Several instances therefore never contend for one chain head.
"""

from __future__ import annotations

import asyncio
import contextvars
import datetime as dt
import hashlib
import os
import secrets
import socket
from collections.abc import Iterable
from typing import Any

import orjson

from hub.auth.permissions import Principal, require
from hub.config import Config
from hub.domain.audit import AuditListSchema
from hub.domain.base import shared_schema
from hub.domain.clock import utcnow
from hub.services.validation import load
from hub.store.base import Record, Store
from hub.store.query import Query, Range
from hub.store.times import store_datetime

TABLE = "audit"
GENESIS = "0" * 64
HASHED = (
    "id", "instance", "seq", "prev_hash", "who", "role", "action", "table",
    "record_id", "record_ids", "at", "client", "_search",
)
# The client address of the socket event being handled (set by hub.realtime.ratelimit.admit);
# REST requests carry it on the Principal instead.
socket_client: contextvars.ContextVar[str | None] = contextvars.ContextVar("socket_client", default=None)


def new_instance_id() -> str:
    return f"{socket.gethostname()}-{os.getpid()}-{secrets.token_hex(3)}"


def canonical(record: Record) -> bytes:
    data = {field: record.get(field) for field in HASHED}
    at = data["at"]
    if isinstance(at, dt.datetime):
        data["at"] = at.astimezone(dt.UTC).isoformat(timespec="milliseconds")
    return orjson.dumps(data, option=orjson.OPT_SORT_KEYS)


def record_hash(record: Record) -> str:
    return hashlib.sha256(canonical(record)).hexdigest()


def search_key(record_ids: Iterable[str]) -> str:
    """Each id between spaces, so a ``record_id`` filter matches whole ids only."""
    return " " + " ".join(record_ids) + " "


class AuditLog:
    def __init__(self, store: Store, config: Config, instance: str | None = None) -> None:
        self.store, self.config = store, config
        self.instance = instance or new_instance_id()
        self._lock = asyncio.Lock()
        self._head: tuple[int, str] | None = None

    async def record(self, principal: Principal, action: str, table: str, record_ids: list[str]) -> None:
        entry = self._entry(principal, action, table, record_ids)
        async with self._lock:
            seq, prev = self._head or await self._read_head()
            entry.update(seq=seq + 1, prev_hash=prev)
            entry["hash"] = record_hash(entry)
            try:
                await self.store.insert(TABLE, entry)
            except BaseException:
                self._head = None  # the write may or may not have landed: read the head again
                raise
            self._head = (seq + 1, entry["hash"])

    def _entry(self, principal: Principal, action: str, table: str, record_ids: list[str]) -> Record:
        ids = [str(i) for i in record_ids]
        return {
            "id": secrets.token_hex(16),
            "instance": self.instance,
            "who": principal.user_id,
            "role": principal.role,
            "action": action,
            "table": table,
            "record_id": ids[0] if len(ids) == 1 and action not in ("list", "search") else None,
            "record_ids": ids,
            "at": store_datetime(utcnow()),
            "client": principal.client or socket_client.get(),
            "_search": search_key(ids),
        }

    async def _read_head(self) -> tuple[int, str]:
        count = await self.store.count(TABLE, {"instance": self.instance})
        if not count:
            return 0, GENESIS
        last = await self.store.list(TABLE, Query(equals={"instance": self.instance, "seq": count}, limit=1))
        if not last:
            raise RuntimeError(f"audit chain {self.instance} has {count} records but no seq {count}")
        return count, last[0]["hash"]

    async def list(self, principal: Principal, params: Any) -> list[dict[str, Any]]:
        """Admins only; filters: user, table, record_id, from/to, skip/limit."""
        require(principal, TABLE, "read")
        schema = shared_schema(AuditListSchema, clinic_tz=self.config.timezone, max_limit=self.config.list_max_limit)
        records = await self.store.list(TABLE, to_query(load(schema, params)))
        return [present(record) for record in records]


def to_query(filters: dict[str, Any]) -> Query:
    equals = {field: filters[key] for key, field in (("user", "who"), ("table", "table")) if key in filters}
    ranges = ()
    if "from_" in filters or "to" in filters:
        ranges = (Range("at", gte=filters.get("from_"), lt=filters.get("to")),)
    search = (search_key([filters["record_id"]]),) if "record_id" in filters else ()
    return Query(equals=equals, ranges=ranges, search=search, skip=filters.get("skip", 0), limit=filters.get("limit"))


def present(record: Record) -> dict[str, Any]:
    shown = {field: record.get(field) for field in HASHED if field != "_search"}
    shown["hash"] = record.get("hash")
    return shown
