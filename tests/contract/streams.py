"""Reading a store's change stream in tests: a background task, deadlines, a model."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable
from typing import Any

from hub.store.changes import Change, StreamItem, StreamState


class StreamReader:
    """Reads ``stream`` in a task. ``pause`` seconds after each item make a slow consumer,
    which stretches a stream's initial phase (the server waits for the reader)."""

    def __init__(self, stream: AsyncIterator[StreamItem], pause: float = 0.0) -> None:
        self.stream = stream
        self.pause = pause
        self.queue: asyncio.Queue[StreamItem | BaseException] = asyncio.Queue()
        self.task = asyncio.create_task(self._pump())

    async def _pump(self) -> None:
        try:
            async for item in self.stream:
                await self.queue.put(item)
                if self.pause:
                    await asyncio.sleep(self.pause)
        except Exception as exc:  # noqa: BLE001 - handed to the test
            await self.queue.put(exc)

    async def next(self, timeout: float = 10.0) -> StreamItem:
        item = await asyncio.wait_for(self.queue.get(), timeout)
        if isinstance(item, BaseException):
            raise item
        return item

    async def until(self, test: Callable[[StreamItem], bool], timeout: float = 10.0) -> list[StreamItem]:
        """Every item up to and including the first that passes ``test``."""
        items: list[StreamItem] = []
        async with asyncio.timeout(timeout):
            while True:
                items.append(await self.next(timeout))
                if test(items[-1]):
                    return items

    async def ready(self, timeout: float = 20.0) -> list[StreamItem]:
        return await self.until(is_state("ready"), timeout)

    def pending(self) -> list[StreamItem]:
        items = []
        while not self.queue.empty():
            item = self.queue.get_nowait()
            assert not isinstance(item, BaseException), item
            items.append(item)
        return items

    async def close(self) -> None:
        self.task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self.task
        with contextlib.suppress(Exception):
            await self.stream.aclose()  # type: ignore[attr-defined]


def is_state(state: str) -> Callable[[StreamItem], bool]:
    return lambda item: isinstance(item, StreamState) and item.state == state


def is_change(table: str, kind: str, record_id: str | None = None) -> Callable[[StreamItem], bool]:
    def test(item: StreamItem) -> bool:
        return isinstance(item, Change) and item.table == table and item.type == kind and record_id in (None, item.id)

    return test


def apply(model: dict[str, dict[str, Any]], item: StreamItem) -> None:
    """Apply one stream item to an id -> record model, as a consumer would."""
    if isinstance(item, Change):
        if item.new is None:
            model.pop(item.id, None)
        else:
            model[item.id] = item.new
