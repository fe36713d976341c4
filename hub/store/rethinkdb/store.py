"""The RethinkDB store: the same contract as SqliteStore, on the official asyncio driver.

Unique fields are held by claim documents (``uniques``), version checks are atomic
single-document replaces (``writes``), reads are built by ``queries``, and the change
stream merges one changefeed per table (``feeds``). Every request is bounded by the
URL's timeout and fails with ``Unavailable`` while the server is unreachable.
"""

from __future__ import annotations

import functools
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
from typing import Any

from hub.domain.clock import utcnow
from hub.errors import Conflict, NotFound
from hub.store.base import Record, Store
from hub.store.changes import StreamItem
from hub.store.query import Query
from hub.store.rethinkdb import codec, feeds, queries, schema, writes
from hub.store.rethinkdb.connection import Backoff, Connection
from hub.store.rethinkdb.reql import r
from hub.store.rethinkdb.settings import parse_url
from hub.store.rethinkdb.uniques import KEYS_TABLE, UniqueKeys
from hub.store.tables import TABLES, TableSpec, spec_for

UPDATE_RETRIES = 5


class RethinkStore(Store):
    backend = "rethinkdb"
    open_timeout = 20.0  # how long open() waits for the first connection

    def __init__(self, url: str, backoff: Backoff | None = None) -> None:
        self.settings = parse_url(url)
        self.backoff = backoff or Backoff()
        self.conn = Connection(self.settings, self.backoff)
        self.db = r.db(self.settings.db)
        self.uniques = UniqueKeys(self.conn, self.db)

    # -- lifetime -------------------------------------------------------------------------
    async def open(self) -> None:
        await self.conn.start(self.open_timeout)

    async def close(self) -> None:
        await self.conn.stop()

    async def migrate(self) -> None:
        await schema.migrate(self.conn, self.settings.db)

    async def ping(self) -> bool:
        """Up means able to serve: a read that needs a table's primary replica (right after
        a server restart the connection is back a moment before the tables are)."""
        return await self.conn.ping(self.db.table(KEYS_TABLE).get("ping"))

    def _table(self, spec: TableSpec) -> Any:
        return self.db.table(spec.name)

    # -- writes ---------------------------------------------------------------------------
    async def insert(self, table: str, record: Record) -> Record:
        spec = spec_for(table)
        now = utcnow()
        stored = {**record, "id": record.get("id") or uuid.uuid4().hex, "version": 1, "created_at": now, "updated_at": now}
        doc = codec.encode(spec, stored)
        wanted = [(field, doc[field]) for field in spec.unique if doc.get(field) is not None]

        async def write() -> Record:
            result = await self.conn.run(self._table(spec).insert(doc, conflict="error", return_changes=True))
            return codec.decode(spec, writes.outcome(spec, result)[1]) or {}

        return await self._with_claims(spec, doc["id"], wanted, write)

    async def _with_claims(
        self, spec: TableSpec, record_id: str, wanted: list[tuple[str, Any]], write: Callable[[], Awaitable[Record]]
    ) -> Record:
        """Claim ``wanted`` unique values, then ``write``. Claims are released when the
        write is refused; when its outcome is unknown (lost connection, timeout) they
        stay, and go stale if the write did not happen (see ``uniques``)."""
        claims: list[tuple[str, Any]] = []
        try:
            for field, value in wanted:
                await self.uniques.claim(spec, field, value, record_id)
                claims.append((field, value))
        except Exception:
            await self.uniques.release_quietly(spec, claims, record_id)
            raise
        try:
            return await write()
        except (Conflict, NotFound):
            await self.uniques.release_quietly(spec, claims, record_id)
            raise

    async def update(
        self, table: str, record_id: str, changes: Record, *, expected_version: int | None = None, replace: bool = False
    ) -> Record:
        spec = spec_for(table)
        encoded = codec.encode(spec, changes)
        if not replace and not any(field in encoded for field in spec.unique):
            return await self._write(spec, record_id, encoded, expected_version, replace)
        for attempt in range(UPDATE_RETRIES):
            current = await self._current(spec, record_id)
            version = current["version"] if expected_version is None else expected_version
            try:
                return await self._move_unique(spec, current, encoded, version, replace)
            except Conflict as exc:
                if exc.code != "version_conflict" or expected_version is not None or attempt == UPDATE_RETRIES - 1:
                    raise
        raise AssertionError("unreachable")

    async def _move_unique(
        self, spec: TableSpec, current: dict[str, Any], changes: dict[str, Any], version: int, replace: bool
    ) -> Record:
        """Claim new unique values, write with a version check, then release the old ones."""
        after = changes if replace else {**current, **changes}
        moves = [(f, current.get(f), after.get(f)) for f in spec.unique if current.get(f) != after.get(f)]
        wanted = [(field, new) for field, _, new in moves if new is not None]
        write = functools.partial(self._write, spec, current["id"], changes, version, replace)
        saved = await self._with_claims(spec, current["id"], wanted, write)
        await self.uniques.release_quietly(spec, [(f, old) for f, old, _ in moves if old is not None], current["id"])
        return saved

    async def _write(
        self, spec: TableSpec, record_id: str, changes: dict[str, Any], expected: int | None, replace: bool
    ) -> Record:
        now = codec.encode_value(spec, "updated_at", utcnow())
        query = writes.update_query(self._table(spec), record_id, changes, expected, replace, now)
        _, new = writes.outcome(spec, await self.conn.run(query))
        return codec.decode(spec, new) or {}

    async def delete(self, table: str, record_id: str, *, expected_version: int | None = None) -> Record:
        spec = spec_for(table)
        query = writes.delete_query(self._table(spec), record_id, expected_version)
        old, _ = writes.outcome(spec, await self.conn.run(query))
        old = old or {}
        held = [(field, old[field]) for field in spec.unique if old.get(field) is not None]
        await self.uniques.release_quietly(spec, held, record_id)
        return codec.decode(spec, old) or {}

    # -- reads ----------------------------------------------------------------------------
    async def _current(self, spec: TableSpec, record_id: str) -> dict[str, Any]:
        doc = await self.conn.run(self._table(spec).get(record_id))
        if doc is None:
            raise NotFound(f"No such {spec.singular}.")
        return doc

    async def get(self, table: str, record_id: str) -> Record:
        spec = spec_for(table)
        return codec.decode(spec, await self._current(spec, record_id)) or {}

    async def find(self, table: str, field: str, value: Any) -> Record | None:
        found = await self.list(table, Query(equals={field: value}, limit=1))
        return found[0] if found else None

    async def list(self, table: str, query: Query) -> list[Record]:
        spec = spec_for(table)
        docs = await self.conn.run(queries.list_query(self._table(spec), spec, query))
        return codec.decode_all(spec, docs)

    async def count(self, table: str, equals: dict[str, Any]) -> int:
        spec = spec_for(table)
        return int(await self.conn.run(queries.count_query(self._table(spec), spec, equals)))

    # -- change stream --------------------------------------------------------------------
    def changes(self, tables: Iterable[str] | None = None, *, include_initial: bool = False) -> AsyncIterator[StreamItem]:
        return feeds.stream(self.conn, self.db, tables or TABLES, include_initial, self.backoff)
