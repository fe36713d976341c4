"""The cache's keys in Valkey, and the three scripts that keep them honest.

Layout, under one ``prefix`` shared by the instances of a deployment::

    {prefix}:gen:{table}                   the table's generation (an integer)
    {prefix}:{table}:{gen}:{op}:{digest}   one cached read, valid while gen is current

A write moves its table to a new generation, so every key under the old one is dead at
once (it expires by TTL). A missing generation is created from the server's clock in
microseconds, never from 0: when Valkey loses its keys (eviction, flush, a restart
without persistence) a generation from before can never come back to life.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

_CURRENT = """
local g = redis.call('GET', KEYS[1])
if not g then
  local t = redis.call('TIME')
  redis.call('SET', KEYS[1], t[1] .. string.sub('000000' .. t[2], -6), 'NX')
  g = redis.call('GET', KEYS[1])
end
"""

# KEYS[1] gen key; ARGV[1] "{prefix}:{table}:", ARGV[2] ":{op}:{digest}" -> {gen, value|false}
LOOKUP = _CURRENT + "return {g, redis.call('GET', ARGV[1] .. g .. ARGV[2])}"

# KEYS[1] gen key; ARGV: gen read before the store, cache key, value, ttl -> 1 stored | 0 not
STORE_IF_CURRENT = """
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('SET', ARGV[2], ARGV[3], 'EX', ARGV[4])
  return 1
end
return 0
"""

# KEYS: gen keys -> the new generations
BUMP = """
local out = {}
for i, key in ipairs(KEYS) do
  if redis.call('EXISTS', key) == 0 then
    local t = redis.call('TIME')
    redis.call('SET', key, t[1] .. string.sub('000000' .. t[2], -6))
  end
  out[i] = redis.call('INCR', key)
end
return out
"""


class Generations:
    """Cache reads and generation bumps on one Valkey client. Raises valkey errors."""

    def __init__(self, client: Any, prefix: str, ttl_seconds: int) -> None:
        self.client, self.prefix, self.ttl = client, prefix, ttl_seconds
        self._lookup = client.register_script(LOOKUP)
        self._store = client.register_script(STORE_IF_CURRENT)
        self._bump = client.register_script(BUMP)

    def gen_key(self, table: str) -> str:
        return f"{self.prefix}:gen:{table}"

    def key(self, table: str, gen: str, op: str, digest: str) -> str:
        return f"{self.prefix}:{table}:{gen}:{op}:{digest}"

    async def lookup(self, table: str, op: str, digest: str) -> tuple[str, bytes | None]:
        """The current generation and the value cached under it, read atomically."""
        gen, value = await self._lookup(keys=[self.gen_key(table)], args=[f"{self.prefix}:{table}:", f":{op}:{digest}"])
        return gen.decode(), value

    async def store_if_current(self, table: str, gen: str, op: str, digest: str, value: bytes) -> bool:
        """Cache ``value`` under ``gen`` only while ``gen`` is still the table's generation."""
        args = [gen, self.key(table, gen, op, digest), value, self.ttl]
        return bool(await self._store(keys=[self.gen_key(table)], args=args))

    async def bump(self, tables: Iterable[str]) -> None:
        keys = [self.gen_key(table) for table in tables]
        if keys:
            await self._bump(keys=keys)
