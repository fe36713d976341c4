"""Subscribing, resuming and unsubscribing sockets; applying store changes to rooms."""

from __future__ import annotations

import asyncio
import collections
import dataclasses
import logging
import time
from typing import Any

import socketio

from hub.errors import Invalid
from hub.realtime import cursor as cursors
from hub.realtime.broadcast import emit_local
from hub.realtime.filters import Filter
from hub.realtime.history import HISTORY_MAX, SharedHistory
from hub.realtime.rooms import subscription_room
from hub.realtime.subscriptions import Present, Room, event
from hub.store.base import Store
from hub.store.changes import Change
from hub.store.query import Query, Range

log = logging.getLogger("hub.realtime")
# Without a global history (RethinkDB), a room filled less than this long ago may hold
# writes its pump has not applied yet, which this instance's recent changes cannot show:
# a resume into it gets a fresh snapshot instead.
SETTLE_SECONDS = 5.0
REPLAY_MEMO_MAX = 20_000  # per room: the events of the changes resumers were sent lately


class SubscriptionRegistry:
    def __init__(self, sio: socketio.AsyncServer, store: Store, present: Present, window_seconds: float) -> None:
        self.sio, self.store, self.present = sio, store, present
        self.history = SharedHistory(store)
        self.window_seconds = window_seconds
        self.lock = asyncio.Lock()
        self.rooms: dict[str, Room] = {}
        self.by_sid: dict[tuple[str, str], set[str]] = collections.defaultdict(set)
        self.epoch = cursors.GLOBAL
        self.position = 0
        # The changes this instance's pump applied lately: what resumes are answered from
        # when the store has no global history, and when they cover the cursor when it has.
        self.recent: collections.deque[tuple[float, Change]] = collections.deque(maxlen=HISTORY_MAX)

    @property
    def cursor(self) -> str:
        return cursors.Cursor(self.epoch, self.position).encode()

    # -- subscribe ------------------------------------------------------------------------
    async def subscribe(self, sid: str, namespace: str, flt: Filter, view: str, raw_cursor: Any) -> dict[str, Any]:
        room = await self._room(namespace, flt, view)
        wanted = cursors.decode(raw_cursor)
        history = await self._history(wanted, wanted.position, room, []) if wanted else None
        for attempt in range(5):
            async with self.lock:
                if self.rooms.get(room.name) is not room:
                    break  # dropped by a resync while we waited: start again
                covered = history[-1].position if history else (wanted.position if wanted else 0)
                behind = history is not None and covered < self.position
                if not behind or attempt == 4:  # still behind after 4 reads: a fresh snapshot
                    return await self._join(sid, room, wanted, None if behind else history)
            assert wanted is not None  # the pump moved on while we read: read the rest
            history = await self._history(wanted, covered, room, history)
        return await self.subscribe(sid, namespace, flt, view, raw_cursor)

    async def _join(self, sid: str, room: Room, wanted: cursors.Cursor | None, history: list[Change] | None) -> dict[str, Any]:
        """Under the lock, with no suspension until the ack is sent."""
        await self.sio.enter_room(sid, room.name, namespace=room.namespace)
        room.members.add(sid)
        self.by_sid[(room.namespace, sid)].add(room.name)
        base = {"subscription": room.name, "cursor": self.cursor}
        if wanted is not None and history is not None:
            # What the pump has applied since the cursor, and the later changes the room's
            # model already holds (a new room's snapshot can be ahead of the pump; the pump
            # will send nothing for those, so they go in the answer).
            missed = [change for change in history if wanted.position < change.position <= self.position]
            missed += [change for change in history if change.position > self.position and room.reflects(change)]
            return {**base, "resumed": True, "changes": self._replay(room, missed)}
        if wanted is not None:
            return {**base, "resumed": False, "items": list(room.model.values())}
        return {**base, "items": list(room.model.values())}

    def _replay(self, room: Room, changes: list[Change]) -> list[dict[str, Any]]:
        """The events of ``changes`` for ``room``. After an instance dies, a room's resumers
        miss the same changes: each change's event is worked out once per room."""
        memo = room.replayed
        if len(memo) > REPLAY_MEMO_MAX:
            memo.clear()
        events = []
        for change in changes:
            key = (self.epoch, change.position)
            if key not in memo:
                memo[key] = self._replayed(room, change)
            if (found := memo[key]) is not None:
                events.append(found)
        return events

    def _replayed(self, room: Room, change: Change) -> dict[str, Any] | None:
        if change.table != room.filter.table:
            return None
        was, now = room.filter.matches(change.old), room.filter.matches(change.new)
        position = cursors.Cursor(self.epoch, change.position).encode()
        if now:
            data = self.present(room.filter.table, room.view, change.new)
            return event(room.name, "change" if was else "add", change.id, data, position)
        if was:
            return event(room.name, "remove", change.id, None, position)
        return None

    async def _history(self, wanted: cursors.Cursor, after: int, room: Room, held: list[Change]) -> list[Change] | None:
        """``held`` and the changes after ``after`` (the last of them, or ``wanted``), or None
        when they cannot be had exactly. With a global history they are read after the room
        was filled, so they cover its model."""
        if wanted.epoch != self.epoch or wanted.position > self.position:
            return None
        settled = time.monotonic() - room.filled_at >= SETTLE_SECONDS
        if self.epoch != cursors.GLOBAL:
            return self._recent_after(wanted.position) if settled else None
        # What the pump applied here is in memory: the rest after a read that fell behind
        # the pump, or the whole resume into a settled room. Else the store's history.
        if held or settled:
            recent = self._recent_after(after)
            if recent is not None:
                return held + recent
        more = await self.history.after(after, already=len(held))
        return None if more is None else held + more

    def _recent_after(self, position: int) -> list[Change] | None:
        horizon = time.monotonic() - self.window_seconds
        kept = [change for stamp, change in self.recent if stamp >= horizon]
        if position < self.position and (not kept or kept[0].position > position + 1):
            return None
        return [change for change in kept if change.position > position]

    async def _room(self, namespace: str, flt: Filter, view: str) -> Room:
        name = subscription_room(flt.table, flt.key, view)
        room = self.rooms.get(name)
        if room is None:
            room = Room(name=name, namespace=namespace, filter=flt, view=view)
            self.rooms[name] = room
            asyncio.get_running_loop().create_task(self._fill(room))
        await asyncio.shield(room.ready)
        return room

    async def _fill(self, room: Room) -> None:
        try:
            room.fill(await self.store.list(room.filter.table, _query(room.filter)), self.present)
        except Exception as exc:  # noqa: BLE001 - handed to every waiting subscriber
            if self.rooms.get(room.name) is room:
                del self.rooms[room.name]
            room.ready.set_exception(exc)
            return
        room.ready.set_result(None)

    # -- unsubscribe ----------------------------------------------------------------------
    async def unsubscribe(self, sid: str, namespace: str, name: Any) -> dict[str, Any]:
        if not isinstance(name, str) or name not in self.by_sid.get((namespace, sid), ()):
            raise Invalid("No such subscription on this connection.", fields={"subscription": ["Unknown."]})
        await self._leave(sid, namespace, name)
        return {"subscription": name}

    async def _leave(self, sid: str, namespace: str, name: str) -> None:
        self.by_sid[(namespace, sid)].discard(name)
        room = self.rooms.get(name)
        if room is not None:
            room.members.discard(sid)
            if not room.members and room.pending is None:
                del self.rooms[name]
        await self.sio.leave_room(sid, name, namespace=namespace)

    def forget(self, sid: str, namespace: str) -> None:
        """A socket went away; python-socketio already removed it from its rooms."""
        for name in self.by_sid.pop((namespace, sid), set()):
            room = self.rooms.get(name)
            if room is not None:
                room.members.discard(sid)
                if not room.members and room.pending is None:
                    del self.rooms[name]

    # -- changes --------------------------------------------------------------------------
    async def apply(self, change: Change, position: int) -> None:
        """Called by the pump for each change, in order, holding ``lock``."""
        self.position = position
        if self.epoch != cursors.GLOBAL:
            change = dataclasses.replace(change, position=position)
        self.recent.append((time.monotonic(), change))
        cursor = self.cursor
        for room in [r for r in self.rooms.values() if r.filter.table == change.table]:
            result = room.apply(change, self.present)
            if result is not None and room.members:
                kind, record_id, data = result
                await emit_local(self.sio, "change", event(room.name, kind, record_id, data, cursor), room.name, room.namespace)

    async def resync_all(self, reason: str) -> None:
        """The change stream was lost: every subscriber must re-subscribe with its cursor."""
        async with self.lock:
            rooms, self.rooms = self.rooms, {}
            self.by_sid.clear()
            for room in rooms.values():
                log.warning("subscription %s needs resync: %s", room.name, reason)
                await emit_local(self.sio, "resync", {"subscription": room.name, "reason": reason}, room.name, room.namespace)
                await self.sio.close_room(room.name, namespace=room.namespace)


def _query(flt: Filter) -> Query:
    ranges = ()
    if flt.window is not None:
        low, high = flt.window
        ranges = (Range("start", lt=high), Range("end", gt=low))
    return Query(equals=dict(flt.equals), ranges=ranges)
