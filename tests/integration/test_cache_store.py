"""The cache at the store level, on a real Valkey and real SQLite files: the writer's own
invalidation, the invalidation feed, and the generation guard against racing readers."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from hub.store.cache import CachingStore, codec
from hub.store.changes import Change
from hub.store.query import Query
from hub.store.sqlite import SqliteStore
from hub.store.tables import spec_for
from tests.integration.cache_support import (  # noqa: F401 - cache_valkey is a fixture
    CacheValkey,
    cache_valkey,
    eventually,
    serving,
    unique_prefix,
)

pytestmark = pytest.mark.integration


class GatedStore(SqliteStore):
    """A real SQLite store whose ``get`` can be held after it has read (our own seam)."""

    hold: asyncio.Event | None = None
    has_read: asyncio.Event | None = None

    async def get(self, table: str, record_id: str) -> dict[str, Any]:
        record = await super().get(table, record_id)
        if (hold := self.hold) is not None and self.has_read is not None:
            self.has_read.set()
            await hold.wait()
        return record


async def test_cache_reader_that_raced_a_writer_does_not_cache_its_stale_value(tmp_path, cache_valkey):
    inner = GatedStore(tmp_path / "race.sqlite3")
    store = await open_cached(inner, cache_valkey, unique_prefix())
    try:
        doctor = await store.insert("doctors", {"first_name": "Ana", "last_name": "Gil", "room": "Old"})
        hold = asyncio.Event()
        inner.hold, inner.has_read = hold, asyncio.Event()
        reader = asyncio.create_task(store.get("doctors", doctor["id"]))
        await inner.has_read.wait()  # the reader holds the old record and the generation before the write
        inner.hold = None
        await store.update("doctors", doctor["id"], {"room": "New"})
        hold.set()
        assert (await reader)["room"] == "Old"  # a read concurrent with a write may return either
        assert store.stats()["misses"] == 1
        assert (await store.get("doctors", doctor["id"]))["room"] == "New"
        assert "Old" not in await _cached_rooms(store)
    finally:
        await store.close()


class LaggingFeedStore(SqliteStore):
    """A real SQLite store whose change stream delivers each change late (our own seam),
    like a busy changefeed: only the writer's own invalidation can keep readers fresh."""

    lag = 0.5

    async def changes(self, tables: Any = None, *, include_initial: bool = False) -> Any:
        async for item in super().changes(tables, include_initial=include_initial):
            if isinstance(item, Change):
                await asyncio.sleep(self.lag)
            yield item


async def open_cached(inner: SqliteStore, valkey: CacheValkey, prefix: str) -> CachingStore:
    store = CachingStore(inner, valkey.client(), prefix=prefix)
    await store.open()
    await store.migrate()
    await serving(store)
    return store


async def test_cache_read_after_write_on_another_store_is_fresh_before_any_change_arrives(tmp_path, cache_valkey):
    prefix, path = unique_prefix(), tmp_path / "lag.sqlite3"
    a = await open_cached(LaggingFeedStore(path), cache_valkey, prefix)
    b = await open_cached(LaggingFeedStore(path), cache_valkey, prefix)
    try:
        doctor = await a.insert("doctors", {"first_name": "Ana", "last_name": "Gil", "room": "0"})
        for i in range(1, 21):
            await b.get("doctors", doctor["id"])
            await b.list("doctors", Query())
            await a.update("doctors", doctor["id"], {"room": str(i)})
            assert (await b.get("doctors", doctor["id"]))["room"] == str(i)
            assert [d["room"] for d in await b.list("doctors", Query())] == [str(i)]
        assert b.stats()["hits"] > 0
    finally:
        await a.close()
        await b.close()


async def test_cache_outside_write_is_seen_with_no_stream_consumer(tmp_path, cache_valkey):
    """No change pump here: the cache's own invalidation feed must catch the outside write."""
    path = tmp_path / "feed.sqlite3"
    store = await open_cached(SqliteStore(path), cache_valkey, unique_prefix())
    outside = SqliteStore(path)
    await outside.open()
    try:
        doctor = await store.insert("doctors", {"first_name": "Ana", "last_name": "Gil", "room": "Old"})
        await store.get("doctors", doctor["id"])
        await eventually(lambda: _store_hit(store, doctor["id"]))
        await outside.update("doctors", doctor["id"], {"room": "New"})
        await eventually(lambda: _store_room_is(store, doctor["id"], "New"), timeout=1.0)
    finally:
        await outside.close()
        await store.close()


async def _store_hit(store: CachingStore, record_id: str) -> bool:
    before = store.health.counters.hits
    await store.get("doctors", record_id)
    return store.health.counters.hits > before


async def _store_room_is(store: CachingStore, record_id: str, room: str) -> bool:
    return (await store.get("doctors", record_id))["room"] == room


async def _cached_rooms(store: CachingStore) -> list[str]:
    keys = [key async for key in store.client.scan_iter(match=f"{store.gens.prefix}:doctors:*")]
    values = [await store.client.get(key) for key in keys]
    spec = spec_for("doctors")
    return [record["room"] for value in values if value for record in _records(codec.load(spec, value))]


def _records(value: Any) -> list[dict[str, Any]]:
    if isinstance(value, list):
        return value
    return [value] if isinstance(value, dict) else []


async def test_cache_write_to_one_record_keeps_other_records_cached_but_not_lists(tmp_path, cache_valkey):
    store = await open_cached(SqliteStore(tmp_path / "scope.sqlite3"), cache_valkey, unique_prefix())
    try:
        x = await store.insert("doctors", {"first_name": "Ana", "last_name": "Gil", "room": "1"})
        y = await store.insert("doctors", {"first_name": "Eva", "last_name": "Paz", "room": "2"})
        # the feed's "ready" and both writers' invalidations; the feed, seeing the writes
        # later, does not bump them again (the next test), so nothing late is to come
        await eventually(lambda: store.health.counters.invalidations >= 3)
        await eventually(lambda: _store_hit(store, y["id"]))
        await eventually(lambda: _store_hit(store, x["id"]))
        await store.list("doctors", Query())
        await store.update("doctors", x["id"], {"room": "3"})
        hits = store.health.counters.hits
        assert (await store.get("doctors", y["id"]))["room"] == "2"
        assert store.health.counters.hits == hits + 1  # y's entry survived the write to x
        assert (await store.get("doctors", x["id"]))["room"] == "3"
        assert sorted(d["room"] for d in await store.list("doctors", Query())) == ["2", "3"]
        assert store.health.counters.hits == hits + 1  # x and the list were read afresh
    finally:
        await store.close()


async def test_cache_one_write_seen_by_the_writer_feed_and_pump_is_bumped_once_and_an_outside_one_once(tmp_path, cache_valkey):
    path = tmp_path / "once.sqlite3"
    store = await open_cached(SqliteStore(path), cache_valkey, unique_prefix())
    outside = SqliteStore(path)
    await outside.open()
    seen: list[Change] = []

    async def pump() -> None:  # a live-update consumer, as the hub's pump is
        async for item in store.changes():
            if isinstance(item, Change) and item.type != "initial":
                seen.append(item)

    consumer = asyncio.create_task(pump())
    try:
        await asyncio.sleep(0.3)
        before = store.health.counters.invalidations
        doctor = await store.insert("doctors", {"first_name": "Ana", "last_name": "Gil", "room": "Old"})
        assert store.health.counters.invalidations == before + 1  # the writer's own, before it returned
        await eventually(lambda: _seen(seen, 1))
        await asyncio.sleep(0.6)  # the feed's poll has seen it too
        assert store.health.counters.invalidations == before + 1
        await outside.update("doctors", doctor["id"], {"room": "New"})
        await eventually(lambda: _seen(seen, 2))
        await asyncio.sleep(0.6)
        assert store.health.counters.invalidations == before + 2  # feed and pump: one bump between them
        assert (await store.get("doctors", doctor["id"]))["room"] == "New"
    finally:
        consumer.cancel()
        await asyncio.gather(consumer, return_exceptions=True)
        await outside.close()
        await store.close()


async def _seen(seen: list[Change], count: int) -> bool:
    return len(seen) >= count
