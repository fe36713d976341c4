"""The SQLite store.

sqlite3 is blocking, so every call runs on one dedicated worker thread; each write is one
function that runs a whole ``BEGIN IMMEDIATE`` transaction there, so no other coroutine's
statement can interleave with it. (aiosqlite also uses a thread, but cannot run a
multi-statement transaction as one unit, which unique checks and the changelog need.)
WAL mode and a busy timeout let several hub processes share the file.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import sqlite3
import uuid
from collections.abc import AsyncIterator, Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

import orjson

from hub.domain.clock import utcnow
from hub.errors import Conflict, NotFound, Unavailable
from hub.store.base import Record, Store
from hub.store.changes import Change, StreamItem, StreamState
from hub.store.query import Query
from hub.store.sqlite import codec
from hub.store.sqlite.schema import all_statements, unique_index_name
from hub.store.sqlite.sql import select_sql
from hub.store.sqlite.wakeups import ValkeyWakeups
from hub.store.tables import TABLES, TableSpec, duplicate, spec_for

T = TypeVar("T")


class SqliteStore(Store):
    backend = "sqlite"
    # Writes by this process wake its change readers at once. Another process's writes
    # wake them through Valkey when it is configured (see wakeups.py); the changelog is
    # also polled, as a safety net while those wake-ups arrive and at once-a-poll latency
    # while they do not (no Valkey, or Valkey down).
    fast_poll_seconds = 0.05
    slow_poll_seconds = 0.5  # a write that woke nobody (another program) is seen within a second
    batch = 500

    def __init__(self, path: Path | str, wakeups: ValkeyWakeups | None = None) -> None:
        self.path = str(path)
        self.wakeups = wakeups
        self._executor: ThreadPoolExecutor | None = None
        self._conn: sqlite3.Connection | None = None
        self._listeners: set[asyncio.Event] = set()

    @property
    def poll_seconds(self) -> float:
        return self.slow_poll_seconds if self.wakeups is not None and self.wakeups.listening else self.fast_poll_seconds

    # -- lifetime -------------------------------------------------------------------------
    async def open(self) -> None:
        if self.path != ":memory:":
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="sqlite-store")
        self._conn = await self._run(self._connect)
        if self.wakeups is not None:
            self.wakeups.start(self._wake_readers)

    def _connect(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False, timeout=10)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")
        conn.execute("PRAGMA busy_timeout=10000")
        return conn

    async def close(self) -> None:
        if self.wakeups is not None:
            await self.wakeups.stop()
        if self._conn is not None:
            await self._run(self._conn.close)
            self._conn = None
        if self._executor is not None:
            self._executor.shutdown(wait=True)
            self._executor = None

    async def _run(self, fn: Callable[..., T], *args: Any) -> T:
        if self._executor is None:
            raise Unavailable("The store is closed.")
        try:
            return await asyncio.get_running_loop().run_in_executor(self._executor, fn, *args)
        except sqlite3.OperationalError as exc:
            raise Unavailable("The embedded store is busy or unreadable.") from exc

    @property
    def conn(self) -> sqlite3.Connection:
        assert self._conn is not None, "store not open"
        return self._conn

    async def migrate(self) -> None:
        await self._run(self._migrate)

    def _migrate(self) -> None:
        with _transaction(self.conn):
            for statement in all_statements():
                self.conn.execute(statement)

    async def ping(self) -> bool:
        try:
            return await self._run(lambda: self.conn.execute("SELECT 1").fetchone() == (1,))
        except Exception:  # noqa: BLE001 - readiness reports any failure as "down"
            return False

    # -- writes ---------------------------------------------------------------------------
    async def insert(self, table: str, record: Record) -> Record:
        spec = spec_for(table)
        now = utcnow()
        stored = {**record, "id": record.get("id") or uuid.uuid4().hex, "version": 1, "created_at": now, "updated_at": now}
        text = codec.encode(spec, stored)
        await self._run(self._insert, spec, stored["id"], text)
        self._notify()
        return codec.decode(spec, text)

    def _insert(self, spec: TableSpec, record_id: str, text: str) -> None:
        with _transaction(self.conn), _unique_guard(spec):
            self.conn.execute(f"INSERT INTO {spec.name} (id, version, doc) VALUES (?, 1, ?)", (record_id, text))
            self._log(spec, record_id, "add", None, text)

    async def update(
        self, table: str, record_id: str, changes: Record, *, expected_version: int | None = None, replace: bool = False
    ) -> Record:
        spec = spec_for(table)
        encoded = {k: codec.encode_value(spec, k, v) for k, v in changes.items()}
        now = codec.encode_datetime(utcnow())
        text = await self._run(self._update, spec, record_id, encoded, expected_version, replace, now)
        self._notify()
        return codec.decode(spec, text)

    def _update(
        self, spec: TableSpec, record_id: str, changes: dict[str, Any], expected: int | None, replace: bool, now: str
    ) -> str:
        with _transaction(self.conn), _unique_guard(spec):
            old_text = self._current(spec, record_id, expected)
            old = orjson.loads(old_text)
            keep = {k: old[k] for k in ("id", "created_at")}
            base = keep if replace else old
            new = {**base, **changes, **keep, "version": old["version"] + 1, "updated_at": now}
            new_text = orjson.dumps(new).decode()
            self.conn.execute(
                f"UPDATE {spec.name} SET version = ?, doc = ? WHERE id = ?", (new["version"], new_text, record_id)
            )
            self._log(spec, record_id, "change", old_text, new_text)
            return new_text

    async def delete(self, table: str, record_id: str, *, expected_version: int | None = None) -> Record:
        spec = spec_for(table)
        text = await self._run(self._delete, spec, record_id, expected_version)
        self._notify()
        return codec.decode(spec, text)

    def _delete(self, spec: TableSpec, record_id: str, expected: int | None) -> str:
        with _transaction(self.conn):
            old_text = self._current(spec, record_id, expected)
            self.conn.execute(f"DELETE FROM {spec.name} WHERE id = ?", (record_id,))
            self._log(spec, record_id, "remove", old_text, None)
            return old_text

    def _current(self, spec: TableSpec, record_id: str, expected: int | None) -> str:
        row = self.conn.execute(f"SELECT version, doc FROM {spec.name} WHERE id = ?", (record_id,)).fetchone()
        if row is None:
            raise NotFound(f"No such {spec.singular}.")
        if expected is not None and row[0] != expected:
            raise Conflict(
                "The record was changed by someone else; reload it.",
                code="version_conflict",
                details={"current_version": row[0]},
            )
        return row[1]

    def _log(self, spec: TableSpec, record_id: str, kind: str, old: str | None, new: str | None) -> None:
        self.conn.execute(
            "INSERT INTO changes (tbl, rid, type, old, new, at) VALUES (?, ?, ?, ?, ?, ?)",
            (spec.name, record_id, kind, old, new, codec.encode_datetime(utcnow())),
        )

    # -- reads ----------------------------------------------------------------------------
    async def get(self, table: str, record_id: str) -> Record:
        spec = spec_for(table)
        row = await self._run(self._fetchone, f"SELECT doc FROM {spec.name} WHERE id = ?", (record_id,))
        if row is None:
            raise NotFound(f"No such {spec.singular}.")
        return codec.decode(spec, row[0])

    async def find(self, table: str, field: str, value: Any) -> Record | None:
        found = await self.list(table, Query(equals={field: value}, limit=1))
        return found[0] if found else None

    async def list(self, table: str, query: Query) -> list[Record]:
        spec = spec_for(table)
        sql, params = select_sql(spec, query, "doc")
        rows = await self._run(self._fetchall, sql, params)
        return [codec.decode(spec, row[0]) for row in rows]

    async def count(self, table: str, equals: dict[str, Any]) -> int:
        spec = spec_for(table)
        sql, params = select_sql(spec, Query(equals=equals), "count(*)")
        row = await self._run(self._fetchone, sql, params)
        return int(row[0])

    def _fetchone(self, sql: str, params: tuple[Any, ...]) -> Any:
        return self.conn.execute(sql, params).fetchone()

    def _fetchall(self, sql: str, params: tuple[Any, ...]) -> list[Any]:
        return self.conn.execute(sql, params).fetchall()


    # -- change stream ----------------------------------------------------------------------
    def _notify(self) -> None:
        """A write of ours committed: wake our readers, and the other processes'."""
        self._wake_readers()
        if self.wakeups is not None:
            self.wakeups.poke()

    def _wake_readers(self) -> None:
        for event in self._listeners:
            event.set()

    async def changes(self, tables: Iterable[str] | None = None, *, include_initial: bool = False) -> AsyncIterator[StreamItem]:
        wanted = set(tables) if tables else set(TABLES)
        wake = asyncio.Event()
        self._listeners.add(wake)
        try:
            position, initial = await self._run(self._snapshot, wanted if include_initial else set())
            for table, text in initial:
                record = codec.decode(spec_for(table), text)
                yield Change(table, "initial", record["id"], None, record)
            yield StreamState("ready", position=position)
            while True:
                rows = await self._run(self._after, position, self.batch)
                if rows and rows[0][0] != position + 1:
                    yield StreamState("resync", "the changelog was pruned past this reader")
                    yield StreamState("ready", position=rows[0][0] - 1)
                for row in rows:
                    position = row[0]
                    if row[1] in wanted:
                        yield _change(row)
                if len(rows) < self.batch:
                    wake.clear()
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(wake.wait(), self.poll_seconds)
        finally:
            self._listeners.discard(wake)

    def _snapshot(self, tables: set[str]) -> tuple[int, list[tuple[str, str]]]:
        """The last changelog position and the rows of ``tables``, read in one transaction."""
        self.conn.execute("BEGIN")
        try:
            position = self.conn.execute("SELECT coalesce(max(seq), 0) FROM changes").fetchone()[0]
            rows = [(t, doc) for t in sorted(tables) for (doc,) in self.conn.execute(f"SELECT doc FROM {t}")]
            return position, rows
        finally:
            self.conn.execute("COMMIT")

    def _after(self, position: int, limit: int) -> list[tuple[Any, ...]]:
        return self.conn.execute(
            "SELECT seq, tbl, rid, type, old, new FROM changes WHERE seq > ? ORDER BY seq LIMIT ?", (position, limit)
        ).fetchall()

    async def history(self, after: int, limit: int = 1000) -> list[Change] | None:
        def read() -> list[tuple[Any, ...]] | None:
            oldest = self.conn.execute("SELECT min(seq) FROM changes").fetchone()[0]
            if oldest is not None and oldest > after + 1:
                return None
            return self._after(after, limit)

        rows = await self._run(read)
        return None if rows is None else [_change(row) for row in rows]

    async def prune_history(self, keep_seconds: float) -> None:
        cutoff = codec.encode_datetime(utcnow() - dt.timedelta(seconds=keep_seconds))
        await self._run(self._prune, cutoff)

    def _prune(self, cutoff: str) -> None:
        with _transaction(self.conn):
            # Keep the newest entry so the next position is never below a reader's.
            self.conn.execute("DELETE FROM changes WHERE at < ? AND seq < (SELECT max(seq) FROM changes)", (cutoff,))


def _change(row: tuple[Any, ...]) -> Change:
    seq, table, record_id, kind, old, new = row
    spec = spec_for(table)
    return Change(
        table=table,
        type=kind,
        id=record_id,
        old=codec.decode(spec, old) if old else None,
        new=codec.decode(spec, new) if new else None,
        position=seq,
    )


class _transaction:
    """BEGIN IMMEDIATE ... COMMIT, or ROLLBACK on any error."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def __enter__(self) -> None:
        self.conn.execute("BEGIN IMMEDIATE")

    def __exit__(self, exc_type: Any, *_: Any) -> None:
        self.conn.execute("ROLLBACK" if exc_type else "COMMIT")


class _unique_guard:
    """Turns a unique index violation into a field-keyed Conflict."""

    def __init__(self, spec: TableSpec) -> None:
        self.spec = spec

    def __enter__(self) -> None:
        return None

    def __exit__(self, exc_type: Any, exc: BaseException | None, _tb: Any) -> None:
        if not isinstance(exc, sqlite3.IntegrityError):
            return
        for field in self.spec.unique:
            if unique_index_name(self.spec, field) in str(exc):
                raise duplicate(self.spec, field) from exc
        raise Conflict(f"A {self.spec.name} record with this id already exists.", fields={"id": ["Already exists."]}) from exc
