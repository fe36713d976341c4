"""Login failure counters in Valkey, shared by every instance of one deployment.

One Lua script counts a failure and sets the lock atomically (INCR, PEXPIRE, SET PX), so
two instances counting at once never lose a failure. Keys hold no email: accounts are
hashed (see ``hub.auth.throttle.account_key``). Short socket timeouts keep a slow Valkey
from slowing logins; its errors propagate and the throttle falls back to local counters.
"""

from __future__ import annotations

import valkey.asyncio

from hub.auth.throttle import Limit, ThrottlePolicy

SOCKET_TIMEOUT = 0.5
# KEYS: failures, lock. ARGV: window ms, max failures, first delay ms, max delay ms.
FAIL_SCRIPT = """
local n = redis.call('INCR', KEYS[1])
local window = tonumber(ARGV[1])
if n == 1 then redis.call('PEXPIRE', KEYS[1], window) end
local over = n - tonumber(ARGV[2])
if over < 0 then return 0 end
local delay = math.floor(math.min(tonumber(ARGV[3]) * 2 ^ math.min(over, 64), tonumber(ARGV[4])))
redis.call('SET', KEYS[2], '1', 'PX', delay)
if redis.call('PTTL', KEYS[1]) < window + delay then redis.call('PEXPIRE', KEYS[1], window + delay) end
return delay
"""


class ValkeyCounters:
    def __init__(self, url: str, prefix: str, policy: ThrottlePolicy) -> None:
        self.client = valkey.asyncio.from_url(url, socket_timeout=SOCKET_TIMEOUT, socket_connect_timeout=SOCKET_TIMEOUT)
        self.prefix, self.policy = prefix, policy
        self.script = self.client.register_script(FAIL_SCRIPT)

    def _keys(self, key: str) -> tuple[str, str]:
        return f"{self.prefix}:fail:{key}", f"{self.prefix}:lock:{key}"

    async def blocked_for(self, keys: list[str]) -> float:
        async with self.client.pipeline(transaction=False) as pipe:
            for key in keys:
                pipe.pttl(self._keys(key)[1])
            remaining = await pipe.execute()
        return max((ms / 1000 for ms in remaining if ms > 0), default=0.0)

    async def fail(self, limit: Limit) -> float:
        args = (
            int(self.policy.window_seconds * 1000),
            limit.max_failures,
            int(self.policy.delay_seconds * 1000),
            int(self.policy.max_delay_seconds * 1000),
        )
        delay_ms = await self.script(keys=self._keys(limit.key), args=args)
        return int(delay_ms) / 1000

    async def reset(self, key: str) -> None:
        await self.client.delete(*self._keys(key))

    async def close(self) -> None:
        await self.client.aclose()
