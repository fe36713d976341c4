"""Reading the store's global history for resumes, shared between resumers.

After an instance dies, its clients resume on the others within a second or two, and the
subscribers of one room all hold the same cursor. Each resume needs the changes after its
cursor; reading them once per resumer queued thousands of identical reads behind each other
on the store (2,000 clients took over 30 s to resume in bench S4). Concurrent reads of the
same page share one store call, and the changes read lately are kept (``Tail``): the
history only grows at its end, so a later resume from a cursor inside them reads from the
store only what came after them.
"""

from __future__ import annotations

import asyncio
import bisect

from hub.store.base import Store
from hub.store.changes import Change

HISTORY_PAGE = 1000
HISTORY_MAX = 5000  # past this many missed changes a fresh snapshot is cheaper


class Tail:
    """Every change with a position in (``start``, ``end``], read from the store lately."""

    def __init__(self) -> None:
        self.start = 0
        self.changes: list[Change] = []
        self.positions: list[int] = []

    @property
    def end(self) -> int:
        return self.positions[-1] if self.positions else self.start

    def after(self, position: int) -> list[Change] | None:
        if not self.changes or not self.start <= position <= self.end:
            return None
        return self.changes[bisect.bisect_right(self.positions, position):]

    def add(self, after: int, page: list[Change]) -> None:
        """``page``: every change after ``after`` up to its last one (a store read)."""
        if not page:
            return
        if not self.changes or not self.start <= after <= self.end:
            self.start, self.changes, self.positions = after, [], []
        for change in page:
            if change.position > self.end:
                self.changes.append(change)
                self.positions.append(change.position)
        if len(self.changes) > HISTORY_MAX:  # keep the newest
            drop = len(self.changes) - HISTORY_MAX
            self.start = self.positions[drop - 1]
            del self.changes[:drop], self.positions[:drop]


class SharedHistory:
    def __init__(self, store: Store) -> None:
        self.store = store
        self.tail = Tail()
        self._reading: dict[int, asyncio.Future[list[Change] | None]] = {}

    async def after(self, position: int, already: int = 0) -> list[Change] | None:
        """The changes after ``position``; None when the history no longer reaches back
        that far, or when they and the ``already`` ones held would pass HISTORY_MAX."""
        changes: list[Change] = list(self.tail.after(position) or ())
        while True:
            page = await self._page(changes[-1].position if changes else position)
            if page is None or already + len(changes) + len(page) > HISTORY_MAX:
                return None
            changes.extend(page)
            if len(page) < HISTORY_PAGE:
                return changes

    async def _page(self, after: int) -> list[Change] | None:
        future = self._reading.get(after)
        if future is None:
            future = asyncio.ensure_future(self.store.history(after, HISTORY_PAGE))
            self._reading[after] = future
            future.add_done_callback(lambda done: self._read(after, done))
        return await asyncio.shield(future)  # one resumer giving up must not cancel the others' read

    def _read(self, after: int, done: asyncio.Future[list[Change] | None]) -> None:
        self._reading.pop(after, None)
        if not done.cancelled() and done.exception() is None and done.result():
            self.tail.add(after, done.result())
