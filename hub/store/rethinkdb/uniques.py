"""Unique fields without unique indexes or transactions: claim documents.

RethinkDB's only uniqueness guarantee is the primary key, and it has no multi-document
transactions. So every unique value is owned through a document in ``unique_keys`` whose
primary key is derived from the value: ``"{table}:{field}:{value}"`` (values too long for
a primary key are hashed). Inserting it with ``conflict="error"`` is atomic, so of any
number of concurrent claims, from any number of hub instances, exactly one succeeds.

- insert: claim every unique value, then insert the record; if the record insert
  definitely fails, release the claims.
- update that changes a unique value: claim the new value, write the record (its version
  check is atomic), then release the old value.
- delete: delete the record, then release its values.

A claim whose holder does not hold the value (a hub crashed between the two steps) is
stale; after ``stale_after`` seconds, measured on the server's clock, a new claimant takes
it over with a compare-and-swap on the claim token. A fresh claim is never taken over,
since it may belong to a write in flight. After a successful claim we also check the
index for a record that already holds the value without a claim (written around the
hub, e.g. by an admin script), and refuse the value if there is one.
"""

from __future__ import annotations

import hashlib
import json
import logging
import uuid
from typing import Any

from hub.store.rethinkdb.connection import Connection
from hub.store.rethinkdb.reql import r
from hub.store.tables import TableSpec, duplicate

log = logging.getLogger("hub.store.rethinkdb")

KEYS_TABLE = "unique_keys"
MAX_KEY_BYTES = 120  # RethinkDB primary keys are limited to 127 bytes
TAKEN = "hub:unique_taken"


def key_id(table: str, field: str, value: Any) -> str:
    text = value if isinstance(value, str) else json.dumps(value, sort_keys=True)
    key = f"{table}:{field}:{text}"
    if len(key.encode()) > MAX_KEY_BYTES:
        key = f"{table}:{field}:sha256:{hashlib.sha256(text.encode()).hexdigest()}"
    return key


class UniqueKeys:
    stale_after = 30.0

    def __init__(self, conn: Connection, db: Any) -> None:
        self.conn = conn
        self.db = db
        self.keys = db.table(KEYS_TABLE)

    async def claim(self, spec: TableSpec, field: str, value: Any, record_id: str) -> None:
        """Own ``value`` of ``spec.field`` for ``record_id``, or raise a field Conflict."""
        key = key_id(spec.name, field, value)
        doc = {"id": key, "table": spec.name, "field": field, "value": value, "record_id": record_id}
        for _ in range(3):
            claim = {**doc, "claim": uuid.uuid4().hex, "claimed_at": r.now()}
            result = await self.conn.run(self.keys.insert(claim, conflict="error"))
            if result["inserted"]:
                return await self._check_unclaimed(spec, field, value, record_id)
            holder = await self._holder(key)
            if holder is None:
                continue  # released meanwhile: try again
            if holder["record_id"] == record_id:
                return None
            if holder["age"] < self.stale_after or await self._holds(spec, field, value, holder["record_id"]):
                raise duplicate(spec, field)
            if await self._take_over(key, holder["claim"], {**claim, "claimed_at": r.now()}):
                log.warning("took over stale unique claim %r from record %s", key, holder["record_id"])
                return await self._check_unclaimed(spec, field, value, record_id)
        raise duplicate(spec, field)

    async def release(self, spec: TableSpec, field: str, value: Any, record_id: str) -> None:
        """Give up ``value`` if ``record_id`` owns it (never someone else's claim)."""
        def drop_if_mine(claim: Any) -> Any:
            return r.branch(claim.eq(None).or_(claim["record_id"].ne(record_id)), claim, None)

        await self.conn.run(self.keys.get(key_id(spec.name, field, value)).replace(drop_if_mine))

    async def release_quietly(self, spec: TableSpec, claims: list[tuple[str, Any]], record_id: str) -> None:
        """Best effort: a claim that cannot be released now goes stale and is taken over later."""
        for field, value in claims:
            try:
                await self.release(spec, field, value, record_id)
            except Exception:  # noqa: BLE001 - logged; the claim is recoverable as stale
                log.warning("could not release unique claim %s.%s for %s", spec.name, field, record_id, exc_info=True)

    async def _holder(self, key: str) -> dict[str, Any] | None:
        """The current claim, with its ``age`` in seconds by the server's clock."""

        def with_age(claim: Any) -> Any:
            return r.branch(claim.eq(None), None, claim.merge({"age": r.now().sub(claim["claimed_at"])}))

        return await self.conn.run(self.keys.get(key).do(with_age))

    async def _holds(self, spec: TableSpec, field: str, value: Any, record_id: str) -> bool:
        """Whether the record exists and holds the value (then its claim is not stale)."""

        def has_value(doc: Any) -> Any:
            return doc.ne(None).and_(doc[field].default(None).eq(value))

        return bool(await self.conn.run(self.db.table(spec.name).get(record_id).do(has_value)))

    async def _take_over(self, key: str, seen_claim: str, claim: dict[str, Any]) -> bool:
        """Compare-and-swap: replace the claim only if it is still the stale one we saw."""

        def swap(current: Any) -> Any:
            return r.branch(current.eq(None).or_(current["claim"].eq(seen_claim)), claim, r.error(TAKEN))

        result = await self.conn.run(self.keys.get(key).replace(swap))
        return not result.get("errors")

    async def _check_unclaimed(self, spec: TableSpec, field: str, value: Any, record_id: str) -> None:
        others = self.db.table(spec.name).get_all(value, index=field).filter(lambda doc: doc["id"].ne(record_id))
        if await self.conn.run(others.count()):
            await self.release(spec, field, value, record_id)
            raise duplicate(spec, field)
