"""The store's connection to RethinkDB: one supervised connection, reopened when lost.

A supervisor task connects, then watches the connection (a cheap liveness check often,
a heartbeat query every ``heartbeat`` seconds). When it is lost it reconnects with capped,
jittered exponential backoff, logging each retry. ``up`` is false while it is down, and
``run`` then raises ``Unavailable`` at once instead of waiting. Every request is bounded
by the URL's ``timeout``; a request that times out marks the connection lost, since a
server that stops answering is indistinguishable from a dead one.

Change feeds dial their own connections (``dial``), so that a consumer's feed never
shares fate, or a socket, with request traffic.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
import random
from collections.abc import Awaitable
from typing import Any, TypeVar

from rethinkdb.errors import ReqlAvailabilityError, ReqlDriverError, ReqlError, ReqlRuntimeError

from hub.errors import Unavailable
from hub.store.rethinkdb.reql import RUN_OPTIONS, r
from hub.store.rethinkdb.settings import Settings

log = logging.getLogger("hub.store.rethinkdb")
T = TypeVar("T")

# What a lost connection or an unreachable server looks like, from connect or a query.
CONNECTION_ERRORS = (ReqlDriverError, OSError, TimeoutError)
UNAVAILABLE_MESSAGE = "The database is unreachable; try again shortly."


@dataclasses.dataclass(frozen=True)
class Backoff:
    """Capped exponential backoff with jitter: attempt n waits between d/2 and d,
    d = min(cap, base * 2**n)."""

    base: float = 0.2
    cap: float = 5.0

    def delay(self, attempt: int) -> float:
        ceiling = min(self.cap, self.base * 2 ** min(attempt, 30))
        return ceiling / 2 + random.uniform(0, ceiling / 2)  # noqa: S311 - jitter, not crypto


async def within(seconds: float, awaitable: Awaitable[T]) -> T:
    """``awaitable`` or TimeoutError after ``seconds``. (asyncio.timeout, not wait_for:
    Python 3.11's wait_for can swallow a cancellation that coincides with its timeout.)"""
    async with asyncio.timeout(seconds):
        return await awaitable


async def close_quietly(conn: Any, timeout: float = 2.0) -> None:
    """Close without waiting on the server (a dead one never answers noreply_wait)."""
    with contextlib.suppress(Exception):
        await within(timeout, conn.close(noreply_wait=False))


async def _execute(query: Any, conn: Any) -> Any:
    result = await query.run(conn, **RUN_OPTIONS)
    if hasattr(result, "__aiter__"):  # a cursor: read it whole inside the deadline
        return [item async for item in result]
    return result


class Connection:
    poll_seconds = 0.2  # how often the cheap is_open() check runs
    heartbeat = 5.0  # how often a query proves the server still answers

    def __init__(self, settings: Settings, backoff: Backoff | None = None) -> None:
        self.settings = settings
        self.backoff = backoff or Backoff()
        self._conn: Any = None
        self._ready = asyncio.Event()
        self._lost: str | None = None  # why the current connection was given up
        self._task: asyncio.Task[None] | None = None

    @property
    def up(self) -> bool:
        return self._conn is not None and self._conn.is_open()

    async def dial(self) -> Any:
        """A new driver connection, or an exception within ``timeout``."""
        return await within(self.settings.timeout, r.connect(**self.settings.connect_kwargs()))

    async def start(self, wait: float) -> None:
        """Start the supervisor; raise Unavailable if not connected within ``wait`` seconds."""
        self._task = asyncio.create_task(self._supervise(), name="rethinkdb-connection")
        try:
            await within(wait, self._ready.wait())
        except TimeoutError:
            await self.stop()
            raise Unavailable(f"Could not connect to RethinkDB at {self.settings.target}.") from None

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    def mark_lost(self, reason: str) -> None:
        self._lost = reason

    async def _supervise(self) -> None:
        attempt = 0
        while True:
            try:
                conn = await self.dial()
            except CONNECTION_ERRORS as exc:
                attempt += 1
                delay = self.backoff.delay(attempt)
                log.warning("RethinkDB %s unreachable (%s); retry %d in %.2fs", self.settings.target, exc, attempt, delay)
                await asyncio.sleep(delay)
                continue
            log.info("RethinkDB %s connected%s", self.settings.target, f" after {attempt} retries" if attempt else "")
            attempt = 0
            await self._serve(conn)

    async def _serve(self, conn: Any) -> None:
        self._conn = conn
        self._lost = None
        self._ready.set()
        try:
            reason = await self._watch(conn)
        finally:
            self._conn = None
            self._ready.clear()
            await close_quietly(conn)
        log.warning("RethinkDB %s connection lost (%s); reconnecting", self.settings.target, reason)

    async def _watch(self, conn: Any) -> str:
        loop = asyncio.get_running_loop()
        next_beat = loop.time() + self.heartbeat
        while True:
            await asyncio.sleep(self.poll_seconds)
            if self._lost is not None:
                return self._lost
            if not conn.is_open():
                return "closed by the server or the network"
            if loop.time() >= next_beat:
                try:
                    await within(self.settings.timeout, _execute(r.expr(1), conn))
                except (*CONNECTION_ERRORS, ReqlRuntimeError) as exc:
                    return f"heartbeat failed: {exc!r}"
                next_beat = loop.time() + self.heartbeat

    async def run(self, query: Any, timeout: float | None = None) -> Any:
        """Run ``query`` on the supervised connection; a cursor is read whole."""
        conn = self._conn
        if conn is None or not conn.is_open():
            raise Unavailable(UNAVAILABLE_MESSAGE)
        try:
            return await within(timeout or self.settings.timeout, _execute(query, conn))
        except TimeoutError as exc:
            self.mark_lost("a request timed out")
            raise Unavailable(UNAVAILABLE_MESSAGE) from exc
        except ReqlDriverError as exc:
            self.mark_lost(f"driver error: {exc}")
            raise Unavailable(UNAVAILABLE_MESSAGE) from exc
        except ReqlAvailabilityError as exc:
            raise Unavailable("The database cannot serve this request right now; try again shortly.") from exc
        except ReqlRuntimeError as exc:
            if "Connection is closed" in str(exc):  # a cursor cut off by a lost connection
                self.mark_lost(str(exc))
                raise Unavailable(UNAVAILABLE_MESSAGE) from exc
            raise

    async def ping(self, probe: Any = None, timeout: float = 2.0) -> bool:
        """True when connected and ``probe`` (default: a constant) runs without error."""
        if not self.up:
            return False
        try:
            await self.run(r.expr(1) if probe is None else probe, timeout=min(timeout, self.settings.timeout))
        except (Unavailable, ReqlError):
            return False
        return True
