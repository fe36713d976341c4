"""Per-socket rate limit on client events: a token bucket per (namespace, sid).

Each socket may send ``HUB_SOCKET_BURST`` events at once and ``HUB_SOCKET_RATE_PER_SECOND``
on average. An event over the limit is not handled: its ack is ``{"ok": false, "error":
{"code": "rate_limited", "message", "retry_after"}}``. A socket with
``HUB_SOCKET_ABUSE_LIMIT`` refused events within ``ABUSE_WINDOW_SECONDS`` gets
``session_ended`` ``{"code": "rate_limited"}`` and is disconnected. Buckets are per
socket, so no other client is slowed down.

``admit`` is called first thing for every client event (``HubNamespace._dispatch``); it
also notes the socket's client address for the audit trail of that event.
"""

from __future__ import annotations

import asyncio
import collections
import dataclasses
import logging
import time
from collections.abc import Callable
from typing import Any

from hub.config import Config
from hub.errors import RateLimited
from hub.services.audit import socket_client

log = logging.getLogger("hub.realtime")
ABUSE_WINDOW_SECONDS = 10.0
PRUNE_EVERY_SECONDS = 30.0
Key = tuple[str, str]


@dataclasses.dataclass
class Bucket:
    tokens: float
    stamp: float
    refused: collections.deque[float] = dataclasses.field(default_factory=collections.deque)


class SocketLimiter:
    def __init__(self, config: Config, clock: Callable[[], float] = time.monotonic) -> None:
        self.rate, self.burst = float(config.socket_rate_per_second), float(config.socket_burst)
        self.abuse_limit = config.socket_abuse_limit
        self.clock = clock
        self.buckets: dict[Key, Bucket] = {}
        self.ending: set[Key] = set()
        self.tasks: set[asyncio.Task[None]] = set()
        self.pruned_at = clock()

    def take(self, key: Key) -> float:
        """0 when the event may run now; otherwise the seconds until it could."""
        now = self.clock()
        self._prune(now)
        bucket = self.buckets.setdefault(key, Bucket(self.burst, now))
        bucket.tokens = min(self.burst, bucket.tokens + (now - bucket.stamp) * self.rate)
        bucket.stamp = now
        if bucket.tokens >= 1:
            bucket.tokens -= 1
            return 0.0
        bucket.refused.append(now)
        while bucket.refused[0] <= now - ABUSE_WINDOW_SECONDS:
            bucket.refused.popleft()
        return (1 - bucket.tokens) / self.rate

    def abusive(self, key: Key) -> bool:
        bucket = self.buckets.get(key)
        return bool(self.abuse_limit and bucket and len(bucket.refused) >= self.abuse_limit)

    def end(self, sessions: Any, key: Key) -> None:
        """Disconnect the socket after its refusal is acknowledged (once, however many events follow)."""
        if key in self.ending:
            return
        self.ending.add(key)
        task = asyncio.create_task(self._end(sessions, key), name="rate-limit-disconnect")
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)

    async def _end(self, sessions: Any, key: Key) -> None:
        log.warning("socket %s on %s keeps flooding; disconnecting it", key[1], key[0])
        try:
            await sessions.end(key, "rate_limited", "Too many events; the connection was closed. Slow down and connect again.")
        except Exception:  # noqa: BLE001 - the socket may already be gone; nothing else to do
            log.exception("disconnecting flooding socket %s failed", key[1])
        finally:
            self.ending.discard(key)
            self.buckets.pop(key, None)

    def _prune(self, now: float) -> None:
        """Forget sockets idle long enough that their bucket is full and their refusals old."""
        if now - self.pruned_at < PRUNE_EVERY_SECONDS:
            return
        self.pruned_at = now
        idle = max(self.burst / self.rate, ABUSE_WINDOW_SECONDS)
        self.buckets = {k: b for k, b in self.buckets.items() if now - b.stamp < idle}

    async def close(self) -> None:
        for task in list(self.tasks):
            task.cancel()
        await asyncio.gather(*self.tasks, return_exceptions=True)


def client_address(server: Any, sid: str, namespace: str) -> str | None:
    environ = server.get_environ(sid, namespace) or {}
    request = environ.get("aiohttp.request")
    return request.remote if request is not None else environ.get("REMOTE_ADDR")


async def admit(namespace: Any, sid: str) -> None:
    """Refuse the event with RateLimited when this socket is over its limit."""
    from hub.keys import sessions_key, socket_limiter_key  # hub.keys imports this module

    limiter = namespace.app[socket_limiter_key]
    key = (namespace.namespace, sid)
    wait = limiter.take(key)
    if wait:
        if limiter.abusive(key):
            limiter.end(namespace.app[sessions_key], key)
        raise RateLimited("Too many events; slow down.", retry_after=wait)
    socket_client.set(client_address(namespace.server, sid, namespace.namespace))
