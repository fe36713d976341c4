"""SQLite change streams across processes: woken through real Valkey, polling as the fallback.

Two SqliteStore objects on one file stand for two hub processes (each has its own
connection and thread; neither sees the other's in-process wake-ups).
"""

from __future__ import annotations

import asyncio
import contextlib
import time
import uuid
from collections.abc import AsyncIterator

import pytest

from hub.store.changes import Change, StreamState
from hub.store.sqlite import SqliteStore
from hub.store.sqlite.wakeups import ValkeyWakeups
from tests.integration.hub_processes import valkey_proc  # noqa: F401 - fixture

pytestmark = pytest.mark.integration
NEVER = 60.0  # a poll period no test waits for


@contextlib.asynccontextmanager
async def two_stores(tmp_path, url: str) -> AsyncIterator[tuple[SqliteStore, SqliteStore]]:
    channel = f"test-{uuid.uuid4().hex[:8]}:sqlite-wakeups"
    stores = [SqliteStore(tmp_path / "shared.sqlite3", ValkeyWakeups(url, channel)) for _ in range(2)]
    for store in stores:
        store.slow_poll_seconds = NEVER
        await store.open()
        await store.migrate()
    try:
        yield stores[0], stores[1]
    finally:
        for store in stores:
            await store.close()


async def until(predicate, timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "condition not reached"
        await asyncio.sleep(0.02)


async def seen_after_insert(writer: SqliteStore, reader: SqliteStore, timeout: float) -> float:
    """Seconds from a committed insert on ``writer`` to its change on ``reader``'s stream."""
    stream = reader.changes(["doctors"])
    try:
        assert isinstance(await anext(stream), StreamState)  # ready
        record_id = uuid.uuid4().hex
        await asyncio.sleep(0.2)  # the reader is parked in its wait now
        started = time.monotonic()
        await writer.insert("doctors", {"id": record_id, "first_name": "A", "last_name": "B", "specialty": "C"})
        async with asyncio.timeout(timeout):
            while True:
                item = await anext(stream)
                if isinstance(item, Change) and item.id == record_id:
                    return time.monotonic() - started
    finally:
        await stream.aclose()


async def test_sqlite_change_from_another_process_wakes_the_reader_through_valkey(tmp_path, valkey_proc):  # noqa: F811
    async with two_stores(tmp_path, f"valkey://127.0.0.1:{valkey_proc.port}/0") as (one, two):
        two.fast_poll_seconds = NEVER  # only a wake-up can deliver it in time
        await until(lambda: one.wakeups.listening and two.wakeups.listening)
        assert await seen_after_insert(one, two, timeout=2.0) < 2.0


async def test_sqlite_reader_polls_fast_while_valkey_is_down(tmp_path, valkey_proc):  # noqa: F811
    async with two_stores(tmp_path, f"valkey://127.0.0.1:{valkey_proc.port}/0") as (one, two):
        await until(lambda: two.wakeups.listening)
        assert two.poll_seconds == NEVER
        port = valkey_proc.port
        valkey_proc.stop()
        await until(lambda: not two.wakeups.listening)
        try:
            assert two.poll_seconds == two.fast_poll_seconds
            assert await seen_after_insert(one, two, timeout=2.0) < 2.0
        finally:
            valkey_proc.__init__(port=port)  # the same port again, as after a restart
            valkey_proc.start()
        await until(lambda: two.wakeups.listening, timeout=15)  # and back to wake-ups once Valkey is
