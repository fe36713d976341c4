"""Whether the cache may serve, its counters, and the loop that brings it back.

The cache serves reads only while both hold:

- ``valkey_ok``: no Valkey call has failed since the last recovery. Any failure (error,
  0.25 s timeout) clears it; the recovery loop then retries with capped, jittered backoff,
  and a recovery moves every generation before reads may hit again,
  because writes made while Valkey was unreachable could not invalidate their keys.
- ``feed_live``: the invalidation feed (the store's change stream) is live, so writes made
  outside the hub are being seen.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import random
import time
from collections.abc import Awaitable, Callable

log = logging.getLogger("hub.store.cache")
BACKOFF_START, BACKOFF_MAX = 0.2, 5.0
WARN_EVERY_SECONDS = 30.0


@dataclasses.dataclass
class Counters:
    hits: int = 0
    misses: int = 0
    bypassed: int = 0  # reads sent straight to the store because the cache could not serve
    errors: int = 0
    invalidations: int = 0


class CacheHealth:
    def __init__(self, recover: Callable[[], Awaitable[None]]) -> None:
        self.recover = recover
        self.counters = Counters()
        self.valkey_ok = True
        self.feed_live = False
        self.failed = asyncio.Event()
        self._last_warning = -WARN_EVERY_SECONDS

    @property
    def serving(self) -> bool:
        return self.valkey_ok and self.feed_live

    @property
    def state(self) -> str:
        if not self.valkey_ok:
            return "down"
        return "up" if self.feed_live else "starting"

    def error(self, exc: BaseException, doing: str) -> None:
        """A Valkey call failed: stop serving until recovered; warn at most every 30 s."""
        self.counters.errors += 1
        self.valkey_ok = False
        self.failed.set()
        now = time.monotonic()
        if now - self._last_warning >= WARN_EVERY_SECONDS:
            self._last_warning = now
            log.warning("read cache unavailable (%s while %s: %s); reading the store directly",
                        type(exc).__name__, doing, exc)

    async def run(self) -> None:
        """Wait for a failure, then retry ``recover`` until it succeeds; forever."""
        while True:
            await self.failed.wait()
            delay = BACKOFF_START
            while True:
                await asyncio.sleep(delay * random.uniform(0.5, 1.0))
                self.failed.clear()
                try:
                    await self.recover()
                except Exception as exc:  # noqa: BLE001 - any failure: back off and retry
                    self.error(exc, "recovering")
                    log.debug("read cache recovery failed; retrying in about %.1fs", delay)
                    delay = min(delay * 2, BACKOFF_MAX)
                    continue
                if not self.failed.is_set():  # no call failed while we recovered
                    self.valkey_ok = True
                    log.info("read cache back: every generation moved")
                    break

    def stats(self) -> dict[str, object]:
        return {"state": self.state, **dataclasses.asdict(self.counters)}
