"""Reading the store's global history for resumes, shared between resumers.

After an instance dies, its clients resume on the others within a second or two, and the
subscribers of one room all hold the same cursor. Each resume needs the changes after its
cursor; reading them once per resumer queued thousands of identical reads behind each other
on the store (2,000 clients took over 30 s to resume in bench S4). Concurrent reads of the
same page now share one store call.
"""

from __future__ import annotations

import asyncio

from hub.store.base import Store
from hub.store.changes import Change

HISTORY_PAGE = 1000
HISTORY_MAX = 5000  # past this many missed changes a fresh snapshot is cheaper


class SharedHistory:
    def __init__(self, store: Store) -> None:
        self.store = store
        self._reading: dict[int, asyncio.Future[list[Change] | None]] = {}

    async def after(self, position: int, already: int = 0) -> list[Change] | None:
        """The changes after ``position``; None when the history no longer reaches back
        that far, or when they and the ``already`` ones held would pass HISTORY_MAX."""
        changes: list[Change] = []
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
            future.add_done_callback(lambda _done: self._reading.pop(after, None))
        return await asyncio.shield(future)  # one resumer giving up must not cancel the others' read
