"""Resumers asking for the same history at once share one read of the store."""

from __future__ import annotations

import asyncio

from hub.realtime.history import HISTORY_MAX, SharedHistory
from hub.store.sqlite import SqliteStore


class CountingStore(SqliteStore):
    """The real SQLite store, counting its history reads (our own seam)."""

    reads = 0

    async def history(self, after: int, limit: int = 1000):  # noqa: ANN201 - as the base
        self.reads += 1
        return await super().history(after, limit)


async def test_concurrent_resumes_from_one_cursor_share_one_history_read(tmp_path):
    store = CountingStore(tmp_path / "h.sqlite3")
    await store.open()
    await store.migrate()
    try:
        for n in range(30):
            await store.insert("doctors", {"first_name": f"D{n}", "last_name": "L", "specialty": "S"})
        shared = SharedHistory(store)
        results = await asyncio.gather(*(shared.after(10) for _ in range(50)))
        assert store.reads == 1
        assert all([c.position for c in r] == list(range(11, 31)) for r in results)
        later = await shared.after(10)  # a later resume reads again: nothing is kept stale
        assert store.reads == 2 and len(later) == 20
        assert await shared.after(10, already=HISTORY_MAX) is None  # too many: a snapshot instead
    finally:
        await store.close()
