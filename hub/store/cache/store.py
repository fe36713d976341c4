"""``CachingStore``: any store, with its reads cached in Valkey and never stale.

Reads (``get``, ``find``, ``list``, ``count``) look up the generations they depend on and
the value cached under them in one atomic script. On a miss the inner store is read and
the value is cached only if those generations have not moved meanwhile (``generations``).

Every write through this store moves its table's and its record's generations after the
inner write and before returning, so a read that starts after a write returns, on any
instance, misses the old keys. Writes by anyone else reach the cache through the store's
change stream (``feed``). ``changes()`` passes the inner stream through, invalidating each
change before yielding it, so a consumer told of a change never re-reads it stale.

When Valkey is down or slow, reads go to the inner store, writes still succeed, and the
cache serves again only after a recovery has moved every generation (``health``).
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
from typing import Any, TypeVar

from valkey.exceptions import ValkeyError

from hub.store.base import Record, Store
from hub.store.cache import codec
from hub.store.cache.feed import InvalidationFeed
from hub.store.cache.generations import Generations
from hub.store.cache.health import CacheHealth
from hub.store.changes import Change, StreamItem, StreamState
from hub.store.query import Query
from hub.store.tables import TABLES

T = TypeVar("T")
CACHE_ERRORS = (ValkeyError, OSError)  # OSError covers socket errors and TimeoutError
TTL_SECONDS = 300
# One write is seen by the writer and by two streams on every instance (the invalidation
# feed and the live-update pump): on this instance, the first successful bump for it serves
# the others. Remembered this long, which is far longer than a stream lags behind a write.
BUMPED_SECONDS = 5.0
WriteKey = tuple[Any, ...]


def write_key(table: str, kind: str, record: Record | None) -> WriteKey | None:
    """Names one write: a record's version and stamp are new on every write of it."""
    if not record or "version" not in record:
        return None
    return (table, kind, record.get("id"), record["version"], record.get("updated_at"))


def change_key(change: Change) -> WriteKey | None:
    return write_key(change.table, "remove", change.old) if change.new is None else write_key(change.table, "write", change.new)


class CachingStore(Store):
    def __init__(self, inner: Store, valkey_client: Any, prefix: str, ttl_seconds: int = TTL_SECONDS) -> None:
        self.inner, self.client = inner, valkey_client
        self.backend = inner.backend
        self.gens = Generations(valkey_client, prefix, ttl_seconds)
        self.health = CacheHealth(recover=self._recover)
        self.feed = InvalidationFeed(inner, self.health, self._invalidate_seen, self._invalidate_all_seen)
        self._tasks: list[asyncio.Task[None]] = []
        self._bumping: dict[WriteKey, asyncio.Future[bool]] = {}
        self._bumped: collections.OrderedDict[WriteKey, float] = collections.OrderedDict()

    # -- lifetime -------------------------------------------------------------------------
    async def open(self) -> None:
        await self.inner.open()
        self._tasks.append(asyncio.create_task(self.health.run(), name="cache-recovery"))

    async def migrate(self) -> None:
        """The invalidation feed starts once the store is migrated; until it is live the
        cache does not serve."""
        await self.inner.migrate()
        if not any(task.get_name() == "cache-feed" for task in self._tasks):
            self._tasks.append(asyncio.create_task(self.feed.run(), name="cache-feed"))

    async def close(self) -> None:
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        self._tasks.clear()
        try:
            await self.inner.close()
        finally:
            await self.client.aclose()

    async def ping(self) -> bool:
        return await self.inner.ping()

    def stats(self) -> dict[str, object]:
        stats = self.health.stats()
        looked_up = self.health.counters.hits + self.health.counters.misses
        stats["hit_ratio"] = round(self.health.counters.hits / looked_up, 4) if looked_up else None
        return stats

    # -- reads ----------------------------------------------------------------------------
    async def get(self, table: str, record_id: str) -> Record:
        gens = self.gens.of_record(table, record_id)
        return await self._cached(table, gens, "get", (record_id,), lambda: self.inner.get(table, record_id))

    async def find(self, table: str, field: str, value: Any) -> Record | None:
        gens = self.gens.of_table(table)
        return await self._cached(table, gens, "find", (field, value), lambda: self.inner.find(table, field, value))

    async def list(self, table: str, query: Query) -> list[Record]:
        gens = self.gens.of_table(table)
        return await self._cached(table, gens, "list", (query,), lambda: self.inner.list(table, query))

    async def count(self, table: str, equals: dict[str, Any]) -> int:
        gens = self.gens.of_table(table)
        return await self._cached(table, gens, "count", (equals,), lambda: self.inner.count(table, equals))

    async def _cached(
        self, table: str, gens: list[str], op: str, args: tuple[Any, ...], read: Callable[[], Awaitable[T]]
    ) -> T:
        counters = self.health.counters
        spec = TABLES.get(table)
        if spec is None or not self.health.serving:
            counters.bypassed += 1
            return await read()
        try:
            digest = codec.digest(*args)
            tag, data = await self.gens.lookup(table, gens, op, digest)
        except TypeError:  # arguments we cannot key exactly
            counters.bypassed += 1
            return await read()
        except CACHE_ERRORS as exc:
            self.health.error(exc, "reading")
            counters.bypassed += 1
            return await read()
        if data is not None:
            counters.hits += 1
            return codec.load(spec, data)
        counters.misses += 1
        value = await read()
        with contextlib.suppress(TypeError):  # a value we cannot round-trip exactly stays uncached
            await self._store(table, gens, tag, op, digest, codec.dump(spec, value))
        return value

    async def _store(self, table: str, gens: list[str], tag: str, op: str, digest: str, data: bytes) -> None:
        try:
            await self.gens.store_if_current(table, gens, tag, op, digest, data)
        except CACHE_ERRORS as exc:
            self.health.error(exc, "caching")

    # -- writes ---------------------------------------------------------------------------
    async def insert(self, table: str, record: Record) -> Record:
        record_id, saved = record.get("id"), None
        try:
            saved = await self.inner.insert(table, record)
            record_id = saved["id"]
            return saved
        finally:  # also after a failure: an unknown outcome may still have committed
            await self._invalidate(table, record_id, write_key(table, "write", saved))

    async def update(
        self, table: str, record_id: str, changes: Record, *, expected_version: int | None = None, replace: bool = False
    ) -> Record:
        saved = None
        try:
            saved = await self.inner.update(table, record_id, changes, expected_version=expected_version, replace=replace)
            return saved
        finally:
            await self._invalidate(table, record_id, write_key(table, "write", saved))

    async def delete(self, table: str, record_id: str, *, expected_version: int | None = None) -> Record:
        removed = None
        try:
            removed = await self.inner.delete(table, record_id, expected_version=expected_version)
            return removed
        finally:
            await self._invalidate(table, record_id, write_key(table, "remove", removed))

    # -- invalidation ---------------------------------------------------------------------
    async def _invalidate(self, table: str, record_id: str | None, key: WriteKey | None) -> None:
        """A write's own invalidation: always tried, even while the cache is down, so that
        other instances that can still reach Valkey see the write at once."""
        await self._bump_once(key, self.gens.of_write(table, record_id), always=True)

    async def _invalidate_seen(self, change: Change) -> None:
        """A change seen on a stream. While the cache is down it is not tried (a blackholed
        Valkey would stall the stream); the recovery, which moves every generation, must
        then run again, so it is told as if the call had failed. A change this instance
        already invalidated (its own write, or the other stream) is not bumped again; one
        being invalidated is waited for."""
        if self.health.valkey_ok:
            await self._bump_once(change_key(change), self.gens.of_write(change.table, change.id))
        else:
            self.health.failed.set()

    async def _bump_once(self, key: WriteKey | None, gens: list[str], *, always: bool = False) -> None:
        if key is None:
            await self._bump(gens)
            return
        now = time.monotonic()
        while self._bumped and next(iter(self._bumped.values())) < now - BUMPED_SECONDS:
            self._bumped.popitem(last=False)
        if not always:
            if key in self._bumped:
                return
            pending = self._bumping.get(key)
            if pending is not None and await asyncio.shield(pending):
                return
        done = asyncio.get_running_loop().create_future()
        self._bumping[key] = done
        moved = False
        try:
            moved = await self._bump(gens)
        finally:
            if self._bumping.get(key) is done:
                del self._bumping[key]
            done.set_result(moved)
            if moved:
                self._bumped[key] = time.monotonic()
                self._bumped.move_to_end(key)

    async def _invalidate_all_seen(self) -> None:
        if self.health.valkey_ok:
            await self._bump(self.gens.of_everything(TABLES))
        else:
            self.health.failed.set()

    async def _bump(self, gens: list[str]) -> bool:
        try:
            await self.gens.bump(gens)
        except CACHE_ERRORS as exc:
            self.health.error(exc, "invalidating")
            return False
        self.health.counters.invalidations += 1
        return True

    async def _recover(self) -> None:
        await self.gens.bump(self.gens.of_everything(TABLES))

    # -- change stream and history --------------------------------------------------------
    async def changes(self, tables: Iterable[str] | None = None, *, include_initial: bool = False) -> AsyncIterator[StreamItem]:
        async with contextlib.aclosing(self.inner.changes(tables, include_initial=include_initial)) as stream:
            async for item in stream:
                if isinstance(item, Change) and item.type != "initial":
                    await self._invalidate_seen(item)
                elif isinstance(item, StreamState) and item.state == "resync":
                    await self._invalidate_all_seen()
                yield item

    async def history(self, after: int, limit: int = 1000) -> list[Change] | None:
        return await self.inner.history(after, limit)

    async def prune_history(self, keep_seconds: float) -> None:
        await self.inner.prune_history(keep_seconds)
