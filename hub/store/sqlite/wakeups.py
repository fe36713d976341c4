"""Cross-process wake-ups for the SQLite change stream, through Valkey pub/sub.

Hub processes that share one SQLite file see each other's writes by reading the changelog.
Polling alone makes another instance's change wait up to a poll period (50 ms). With Valkey
configured, every commit also publishes a tiny "changelog moved" message on a channel of
its own; the other processes' readers wake at once, so a change crosses instances in about
one Valkey round trip. The message carries no data (the changelog stays the only source),
so a lost one costs only latency: readers still poll, slowly while the listener is up and
at the fast rate while it is not.

Publishes are coalesced: a burst of commits sends one message per round trip in flight.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import uuid
from collections.abc import Callable

import valkey.asyncio
from valkey.exceptions import ValkeyError

log = logging.getLogger("hub.store")
BACKOFF_START, BACKOFF_MAX = 0.2, 10.0
# The listener waits for a message at most this long before it looks whether it should stop
# (valkey-py's pub/sub can swallow a cancellation; a stop flag cannot be missed).
LISTEN_STEP_SECONDS = 1.0
STOP_TIMEOUT_SECONDS = 3.0
# The listener blocks on an idle channel for as long as it is idle (P14); a dead peer is
# found by TCP keepalive and by a PING before a read once the connection was idle for 30 s.
LISTENER_OPTIONS = {"socket_timeout": None, "socket_connect_timeout": 5, "socket_keepalive": True,
                    "health_check_interval": 30}
PUBLISHER_OPTIONS = {"socket_timeout": 1.0, "socket_connect_timeout": 1.0}


class ValkeyWakeups:
    def __init__(self, url: str, channel: str) -> None:
        self.url, self.channel = url, channel
        self.origin = uuid.uuid4().hex.encode()  # our own messages are not wake-ups for us
        self.listening = False
        self._stopping = False
        self._dirty = asyncio.Event()
        self._tasks: list[asyncio.Task[None]] = []

    def start(self, on_wake: Callable[[], None]) -> None:
        self._stopping = False
        self._tasks = [asyncio.create_task(self._publish_loop(), name="sqlite-wakeup-publisher"),
                       asyncio.create_task(self._listen_loop(on_wake), name="sqlite-wakeup-listener")]

    async def stop(self) -> None:
        self._stopping = True
        self._dirty.set()  # the publisher wakes, sees the flag and ends, even if a cancel is swallowed
        for task in self._tasks:
            task.cancel()
        if self._tasks:
            _, stuck = await asyncio.wait(self._tasks, timeout=STOP_TIMEOUT_SECONDS)
            for task in stuck:
                log.warning("sqlite wake-up task %s did not stop in %.0fs; left behind", task.get_name(), STOP_TIMEOUT_SECONDS)
        self._tasks, self.listening = [], False

    def poke(self) -> None:
        """A local commit happened: tell the other processes (soon, coalesced)."""
        self._dirty.set()

    async def _publish_loop(self) -> None:
        client = valkey.asyncio.from_url(self.url, **PUBLISHER_OPTIONS)
        try:
            while not self._stopping:
                await self._dirty.wait()
                self._dirty.clear()
                if self._stopping:
                    return
                try:
                    await client.publish(self.channel, self.origin)
                except (ValkeyError, OSError) as exc:  # readers elsewhere fall back to polling
                    log.debug("sqlite wake-up not published (%s)", exc.__class__.__name__)
        finally:
            await client.aclose()

    async def _listen_loop(self, on_wake: Callable[[], None]) -> None:
        delay = BACKOFF_START
        while not self._stopping:
            client = valkey.asyncio.from_url(self.url, **LISTENER_OPTIONS)
            try:
                async with client.pubsub(ignore_subscribe_messages=True) as pubsub:
                    await pubsub.subscribe(self.channel)
                    self.listening, delay = True, BACKOFF_START
                    on_wake()  # anything committed while we were not listening
                    while not self._stopping:
                        message = await pubsub.get_message(timeout=LISTEN_STEP_SECONDS)
                        if message is not None and message.get("data") != self.origin:
                            on_wake()
            except (ValkeyError, OSError) as exc:
                log.warning("sqlite wake-up listener lost Valkey (%s); polling fast, retrying in %.1fs",
                            exc.__class__.__name__, delay)
            finally:
                self.listening = False
                with contextlib.suppress(Exception):
                    await client.aclose()
            if self._stopping:
                return
            await asyncio.sleep(delay * random.uniform(0.5, 1.0))
            delay = min(delay * 2, BACKOFF_MAX)
