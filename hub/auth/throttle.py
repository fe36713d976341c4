"""Login throttling per account and per client address (brute force, password spraying).

Failed logins are counted per account (the normalized email, hashed: unknown emails are
counted exactly like known ones, so the answer never tells whether an account exists) and
per client address, within ``HUB_LOGIN_WINDOW_SECONDS``. From the ``max``-th failure on,
each further failure locks that key for a delay that starts at ``HUB_LOGIN_DELAY_SECONDS``
and doubles, up to ``HUB_LOGIN_MAX_DELAY_SECONDS``. While a key is locked, logins answer
``429 rate_limited`` with ``Retry-After`` and no password is checked. A successful login
resets the account's counter (not the address's).

The counters live in Valkey when it is configured, so every instance sees the same ones;
if Valkey fails, this instance falls back to its own counters until Valkey answers again.
"""

from __future__ import annotations

import dataclasses
import hashlib
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any, Protocol, TypeVar

from valkey.exceptions import ValkeyError

from hub.config import Config
from hub.errors import RateLimited

log = logging.getLogger("hub.auth")
T = TypeVar("T")
LOCAL_MAX_KEYS = 100_000


@dataclasses.dataclass(frozen=True)
class Limit:
    key: str
    max_failures: int


@dataclasses.dataclass(frozen=True)
class ThrottlePolicy:
    window_seconds: float
    delay_seconds: float
    max_delay_seconds: float

    def delay_after(self, failures: int, max_failures: int) -> float:
        """The lock imposed by the ``failures``-th failure in the window."""
        if failures < max_failures:
            return 0.0
        return min(self.delay_seconds * 2.0 ** min(failures - max_failures, 64), self.max_delay_seconds)


class Counters(Protocol):
    async def blocked_for(self, keys: list[str]) -> float: ...

    async def fail(self, limit: Limit) -> float: ...

    async def reset(self, key: str) -> None: ...

    async def close(self) -> None: ...


class LocalCounters:
    """This process's counters: {key: (failures, forget_at)} and {key: locked_until}."""

    def __init__(self, policy: ThrottlePolicy, clock: Callable[[], float] = time.monotonic) -> None:
        self.policy, self.clock = policy, clock
        self.failures: dict[str, tuple[int, float]] = {}
        self.locks: dict[str, float] = {}

    async def blocked_for(self, keys: list[str]) -> float:
        now = self.clock()
        return max((self.locks.get(key, now) - now for key in keys), default=0.0)

    async def fail(self, limit: Limit) -> float:
        now = self.clock()
        count, forget_at = self.failures.get(limit.key, (0, 0.0))
        if forget_at <= now:
            count, forget_at = 0, now + self.policy.window_seconds
        count += 1
        delay = self.policy.delay_after(count, limit.max_failures)
        if delay:
            self.locks[limit.key] = now + delay
            forget_at = max(forget_at, now + delay + self.policy.window_seconds)
        self.failures[limit.key] = (count, forget_at)
        self._prune(now)
        return delay

    async def reset(self, key: str) -> None:
        self.failures.pop(key, None)
        self.locks.pop(key, None)

    async def close(self) -> None:
        return None

    def _prune(self, now: float) -> None:
        """Bound memory under a spray of random emails: drop what has expired, then the oldest."""
        if len(self.failures) <= LOCAL_MAX_KEYS:
            return
        self.failures = {k: v for k, v in self.failures.items() if v[1] > now}
        self.locks = {k: v for k, v in self.locks.items() if v > now}
        while len(self.failures) > LOCAL_MAX_KEYS:
            self.failures.pop(next(iter(self.failures)))


def account_key(email: Any) -> str | None:
    if not isinstance(email, str) or not email.strip():
        return None
    return "account:" + hashlib.sha256(email.strip().lower().encode("utf-8")).hexdigest()[:32]


def policy_for(config: Config) -> ThrottlePolicy:
    return ThrottlePolicy(config.login_window_seconds, config.login_delay_seconds, config.login_max_delay_seconds)


def create_login_throttle(config: Config) -> LoginThrottle:
    """Shared counters in Valkey when it is configured, else this process's own."""
    shared = None
    if config.valkey_url:
        from hub.auth.throttle_valkey import ValkeyCounters

        shared = ValkeyCounters(config.valkey_url, f"{config.valkey_channel}:login", policy_for(config))
    return LoginThrottle(config, shared)


class LoginThrottle:
    def __init__(self, config: Config, shared: Counters | None = None) -> None:
        self.policy = policy_for(config)
        self.account_max, self.client_max = config.login_max_failures, config.login_client_max_failures
        self.local = LocalCounters(self.policy)
        self.shared = shared
        self.degraded = False

    async def close(self) -> None:
        if self.shared is not None:
            await self.shared.close()

    def _limits(self, email: Any, client: str | None) -> list[Limit]:
        limits = [Limit(f"client:{client or 'unknown'}", self.client_max)]
        if key := account_key(email):
            limits.append(Limit(key, self.account_max))
        return limits

    async def check(self, email: Any, client: str | None) -> None:
        """Raise RateLimited while this account or address must wait."""
        keys = [limit.key for limit in self._limits(email, client)]
        wait = await self._use(lambda counters: counters.blocked_for(keys))
        if wait > 0:
            raise RateLimited("Too many failed logins; wait before trying again.", retry_after=wait)

    async def failed(self, email: Any, client: str | None) -> None:
        for limit in self._limits(email, client):
            await self._use(lambda counters, limit=limit: counters.fail(limit))

    async def succeeded(self, email: Any) -> None:
        if key := account_key(email):
            await self._use(lambda counters: counters.reset(key))

    async def _use(self, action: Callable[[Counters], Awaitable[T]]) -> T:
        if self.shared is None:
            return await action(self.local)
        try:
            result = await action(self.shared)
        except (ValkeyError, OSError) as exc:  # Valkey down or slow: count in this process instead
            if not self.degraded:
                log.warning("login throttle: Valkey unavailable (%s); counting in this instance", exc.__class__.__name__)
            self.degraded = True
            return await action(self.local)
        if self.degraded:
            log.info("login throttle: Valkey answers again; counting shared")
            self.degraded = False
        return result
