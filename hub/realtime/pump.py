"""The change pump: one per instance, reading the store's change stream and feeding rooms.

Topology (no duplicates): every instance runs its own pump and emits only to its own
sockets (``broadcast.emit_local``), so each subscriber receives each change exactly once,
whichever instance or outside writer made it. The Valkey manager carries what must cross
instances as socket.io messages (cross-instance emits and disconnects), never record changes.
"""

from __future__ import annotations

import asyncio
import logging
import random
import uuid

from hub.realtime import cursor as cursors
from hub.realtime.registry import SubscriptionRegistry
from hub.realtime.sessions import SocketSessions
from hub.store.base import Store
from hub.store.changes import Change, StreamState

log = logging.getLogger("hub.realtime")
BACKOFF_START, BACKOFF_MAX = 0.2, 10.0
PRUNE_EVERY_SECONDS = 60.0


class ChangePump:
    def __init__(self, store: Store, registry: SubscriptionRegistry, sessions: SocketSessions) -> None:
        self.store, self.registry, self.sessions = store, registry, sessions
        self.ready = asyncio.Event()
        self.local_position = 0
        self.failures = 0

    @property
    def state(self) -> str:
        return "live" if self.ready.is_set() else "starting" if not self.failures else "reconnecting"

    async def run(self) -> None:
        delay = BACKOFF_START
        while True:
            try:
                async for item in self.store.changes():
                    await self._handle(item)
                    delay = BACKOFF_START
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # noqa: BLE001 - any loss of the stream: resync, back off, reopen
                self.failures += 1
                self.ready.clear()
                log.warning("change stream lost (%s); reopening in %.1fs", exc.__class__.__name__, delay)
                await self.registry.resync_all("change stream lost")
                await asyncio.sleep(delay * random.uniform(0.5, 1.0))
                delay = min(delay * 2, BACKOFF_MAX)

    async def _handle(self, item: Change | StreamState) -> None:
        if isinstance(item, StreamState):
            await self._state(item)
            return
        if item.position is None:
            self.local_position += 1
        position = item.position if item.position is not None else self.local_position
        async with self.registry.lock:
            await self.registry.apply(item, position)
        await self.sessions.on_change(item)

    async def _state(self, item: StreamState) -> None:
        if item.state == "resync":
            self.ready.clear()
            await self.registry.resync_all(item.reason or "change stream reopened")
            return
        async with self.registry.lock:
            self.registry.recent.clear()  # what came before a (re)start may have a gap after it
            if item.position is not None:
                self.registry.epoch, self.registry.position = cursors.GLOBAL, item.position
            else:  # positions of this pump only; a new epoch after every (re)start
                self.registry.epoch = uuid.uuid4().hex[:8]
                self.registry.position = self.local_position = 0
        self.ready.set()
        log.info("change stream ready (epoch %s, position %s)", self.registry.epoch, self.registry.position)

    async def prune_history(self, keep_seconds: float) -> None:
        while True:
            await asyncio.sleep(PRUNE_EVERY_SECONDS)
            try:
                await self.store.prune_history(keep_seconds)
            except Exception:  # noqa: BLE001 - pruning is housekeeping; retry next round
                log.exception("pruning change history failed")
