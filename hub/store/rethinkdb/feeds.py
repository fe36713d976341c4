"""The change stream: one changefeed per table, merged into one async iterator.

All feeds of one ``changes()`` call share a connection of their own (``Connection.dial``).
Each feed runs with ``include_types`` and ``include_states`` (``squash`` off), and with
``include_initial`` when asked; ``ready`` is yielded once every table's feed reports it
is live, so a write committed after ``ready`` is always delivered. RethinkDB has no global
order, so ``Change.position`` is None.

When a feed dies (the connection drops, the server restarts, a table is reconfigured or
the server's change buffer overflows) the stream yields ``StreamState("resync")`` at
once, reopens every feed with capped, jittered backoff (logging each retry) and yields
``ready`` again. A heartbeat query on the feed connection turns a server that stops
answering without closing the socket into a lost feed, so nothing hangs silently.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Iterable
from typing import Any

from hub.store.changes import Change, StreamItem, StreamState
from hub.store.rethinkdb import codec
from hub.store.rethinkdb.connection import Backoff, Connection, close_quietly, within
from hub.store.rethinkdb.reql import RUN_OPTIONS, r
from hub.store.tables import spec_for

log = logging.getLogger("hub.store.rethinkdb")

TYPES = {"initial": "initial", "add": "add", "change": "change", "remove": "remove", "uninitial": "remove"}


class FeedLost(Exception):
    pass


def brief(exc: BaseException) -> str:
    """The first line of a driver error (the rest is the whole query, pretty-printed)."""
    return (str(exc) or repr(exc)).split("\n", 1)[0].removesuffix(" in:")


class FeedSet:
    """The open feeds of one stream, pumped into one bounded queue."""

    heartbeat = 5.0
    queue_size = 1000

    def __init__(self, connection: Connection, db: Any, tables: list[str], include_initial: bool) -> None:
        self.connection, self.db, self.tables, self.include_initial = connection, db, tables, include_initial
        self.queue: asyncio.Queue[tuple[str, Any]] = asyncio.Queue(self.queue_size)
        self.conn: Any = None
        self.tasks: list[asyncio.Task[None]] = []

    async def open(self) -> None:
        self.conn = await self.connection.dial()
        timeout = self.connection.settings.timeout
        for table in self.tables:
            feed = self.db.table(table).changes(
                include_types=True, include_states=True, include_initial=self.include_initial, squash=False
            )
            cursor = await within(timeout, feed.run(self.conn, **RUN_OPTIONS))
            self.tasks.append(asyncio.create_task(self._pump(table, cursor), name=f"rethinkdb-feed-{table}"))
        self.tasks.append(asyncio.create_task(self._watch(), name="rethinkdb-feed-heartbeat"))

    async def _pump(self, table: str, cursor: Any) -> None:
        try:
            async for doc in cursor:
                await self.queue.put((table, doc))
            reason: Exception = FeedLost(f"the {table} feed ended")
        except Exception as exc:  # noqa: BLE001 - any failure of a feed means resync
            reason = FeedLost(f"the {table} feed failed: {brief(exc)}")
        await self.queue.put((table, reason))

    async def _watch(self) -> None:
        timeout = self.connection.settings.timeout
        while True:
            await asyncio.sleep(self.heartbeat)
            try:
                await within(timeout, r.expr(1).run(self.conn))
            except Exception as exc:  # noqa: BLE001 - a failed heartbeat is a lost feed
                await self.queue.put(("", FeedLost(f"heartbeat failed: {exc!r}")))
                return

    async def get(self) -> tuple[str, dict[str, Any]]:
        table, doc = await self.queue.get()
        if isinstance(doc, FeedLost):
            raise doc
        return table, doc

    async def close(self) -> None:
        for task in self.tasks:
            task.cancel()
        for task in self.tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        if self.conn is not None:
            await close_quietly(self.conn)


def to_change(table: str, doc: dict[str, Any]) -> Change:
    spec = spec_for(table)
    old, new = codec.decode(spec, doc.get("old_val")), codec.decode(spec, doc.get("new_val"))
    kind = TYPES[doc["type"]]
    if kind == "remove":
        new = None
    return Change(table=table, type=kind, id=(new or old or {})["id"], old=old, new=new)  # type: ignore[arg-type]


async def _items(feeds: FeedSet) -> AsyncIterator[StreamItem]:
    """What the open feeds deliver, until one is lost (FeedLost)."""
    ready: set[str] = set()
    while True:
        table, doc = await feeds.get()
        if "error" in doc:  # the server's change buffer overflowed: changes were skipped
            yield StreamState("resync", str(doc["error"]))
            yield StreamState("ready")
        elif doc.get("type") == "state":
            if doc.get("state") == "ready" and table not in ready:
                ready.add(table)
                if len(ready) == len(feeds.tables):
                    yield StreamState("ready")
        elif doc.get("type") in TYPES:
            yield to_change(table, doc)


async def _open(connection: Connection, db: Any, tables: list[str], initial: bool, backoff: Backoff) -> FeedSet:
    attempt = 0
    while True:
        feeds = FeedSet(connection, db, tables, initial)
        try:
            await feeds.open()
            return feeds
        except Exception as exc:  # noqa: BLE001 - unreachable, missing table, ...: retry
            await feeds.close()
            attempt += 1
            delay = backoff.delay(attempt)
            log.warning("change feeds on %s not open (%s); retry %d in %.2fs", ",".join(tables), brief(exc), attempt, delay)
            await asyncio.sleep(delay)


async def stream(
    connection: Connection, db: Any, tables: Iterable[str], include_initial: bool, backoff: Backoff
) -> AsyncIterator[StreamItem]:
    wanted = sorted(set(tables))
    initial = include_initial
    while True:
        feeds = await _open(connection, db, wanted, initial, backoff)
        try:
            async with contextlib.aclosing(_items(feeds)) as items:
                async for item in items:
                    yield item
        except FeedLost as lost:
            reason = str(lost)
        finally:
            await feeds.close()
        log.warning("change feeds on %s lost (%s); reopening", ",".join(wanted), reason)
        yield StreamState("resync", reason)
        initial = False
