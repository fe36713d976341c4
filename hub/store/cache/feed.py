"""The invalidation feed: the store's own change stream, read by every instance.

Writes through the cache invalidate synchronously. This feed catches the rest: another
process on the same SQLite file, an admin script, the RethinkDB console. It runs whether
or not anything subscribes; each change moves its table's and its record's generations.
When the stream is lost or reports ``resync``, changes may have been missed, so the cache
stops serving; on the next ``ready`` every generation moves before it serves again.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
from collections.abc import Awaitable, Callable

from hub.store.base import Store
from hub.store.cache.health import BACKOFF_MAX, BACKOFF_START, CacheHealth
from hub.store.changes import Change, StreamItem

log = logging.getLogger("hub.store.cache")


class InvalidationFeed:
    def __init__(
        self,
        inner: Store,
        health: CacheHealth,
        invalidate: Callable[[Change], Awaitable[None]],
        invalidate_all: Callable[[], Awaitable[None]],
    ) -> None:
        self.inner, self.health = inner, health
        self.invalidate, self.invalidate_all = invalidate, invalidate_all

    async def run(self) -> None:
        delay = BACKOFF_START
        while True:
            try:
                async with contextlib.aclosing(self.inner.changes()) as stream:
                    async for item in stream:
                        await self.handle(item)
                        delay = BACKOFF_START
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # noqa: BLE001 - any loss of the stream: stop serving, reopen
                self.health.feed_live = False
                log.warning("cache invalidation feed lost (%s); reopening in %.1fs", type(exc).__name__, delay)
                await asyncio.sleep(delay * random.uniform(0.5, 1.0))
                delay = min(delay * 2, BACKOFF_MAX)

    async def handle(self, item: StreamItem) -> None:
        if isinstance(item, Change):
            if item.type != "initial":
                await self.invalidate(item)
        elif item.state == "resync":
            self.health.feed_live = False
        elif item.state == "ready":
            await self.invalidate_all()  # whatever was missed before the feed went live
            self.health.feed_live = True
            log.info("cache invalidation feed live")
