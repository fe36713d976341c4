"""The cache's keys in Valkey, and the three scripts that keep them honest.

A cached read depends on one or more generation counters, and lives under their current
values (its "tag")::

    {prefix}:gen:{table}              the table: every write to it moves this one
    {prefix}:gen:{table}:*            every record of the table (moved only by "invalidate all")
    {prefix}:gen:{table}:id:{id}      one record: every write to it moves this one
    {prefix}:{table}:{tag}:{op}:{digest}   a cached read; tag = its generations joined by "."

``list``, ``find`` and ``count`` depend on the table's generation, so any write to the table
hides them. ``get`` depends on the record's generation and the all-records one, so writes
to other records leave it cached. Moving a generation makes every key under the old one
unreachable at once; dead keys expire by their TTL.

A missing generation is created from the server's clock in microseconds, never from 0.
When Valkey loses keys (eviction, flush, a restart without persistence, or the
generation's own TTL) an old generation can never come back to life with old values
still under it. That is also why generations may safely expire (memory stays bounded).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

_CLOCK = """
local function now()
  local t = redis.call('TIME')
  return t[1] .. string.sub('000000' .. t[2], -6)
end
"""

# KEYS: generations; ARGV: key head "{prefix}:{table}:", key tail ":{op}:{digest}", gen ttl
# -> {tag, cached value or false}
LOOKUP = _CLOCK + """
local gens = {}
for i, key in ipairs(KEYS) do
  local g = redis.call('GET', key)
  if not g then
    g = now()
    redis.call('SET', key, g, 'EX', ARGV[3])
  end
  gens[i] = g
end
local tag = table.concat(gens, '.')
return {tag, redis.call('GET', ARGV[1] .. tag .. ARGV[2])}
"""

# KEYS: generations; ARGV: the tag read before the store, cache key, value, ttl -> 1 | 0
STORE_IF_CURRENT = """
local gens = {}
for i, key in ipairs(KEYS) do
  local g = redis.call('GET', key)
  if not g then return 0 end
  gens[i] = g
end
if table.concat(gens, '.') ~= ARGV[1] then return 0 end
redis.call('SET', ARGV[2], ARGV[3], 'EX', ARGV[4])
return 1
"""

# KEYS: generations to move; ARGV: gen ttl
BUMP = _CLOCK + """
for _, key in ipairs(KEYS) do
  if redis.call('EXISTS', key) == 0 then redis.call('SET', key, now()) end
  redis.call('INCR', key)
  redis.call('EXPIRE', key, ARGV[1])
end
return #KEYS
"""


class Generations:
    """Cache reads and generation moves on one Valkey client. Raises valkey errors."""

    gen_ttl_seconds = 3600

    def __init__(self, client: Any, prefix: str, ttl_seconds: int) -> None:
        self.client, self.prefix, self.ttl = client, prefix, ttl_seconds
        self._lookup = client.register_script(LOOKUP)
        self._store = client.register_script(STORE_IF_CURRENT)
        self._bump = client.register_script(BUMP)

    # -- which generations a read depends on, and a write moves -----------------------------
    def of_table(self, table: str) -> list[str]:
        return [f"{self.prefix}:gen:{table}"]

    def of_record(self, table: str, record_id: str) -> list[str]:
        return [f"{self.prefix}:gen:{table}:*", f"{self.prefix}:gen:{table}:id:{record_id}"]

    def of_write(self, table: str, record_id: str | None) -> list[str]:
        record = [f"{self.prefix}:gen:{table}:id:{record_id}"] if record_id else []
        return self.of_table(table) + record

    def of_everything(self, tables: Iterable[str]) -> list[str]:
        return [key for table in tables for key in (f"{self.prefix}:gen:{table}", f"{self.prefix}:gen:{table}:*")]

    def key(self, table: str, tag: str, op: str, digest: str) -> str:
        return f"{self.prefix}:{table}:{tag}:{op}:{digest}"

    # -- the scripts ----------------------------------------------------------------------
    async def lookup(self, table: str, gens: list[str], op: str, digest: str) -> tuple[str, bytes | None]:
        """The current tag of ``gens`` and the value cached under it, read atomically."""
        args = [f"{self.prefix}:{table}:", f":{op}:{digest}", self.gen_ttl_seconds]
        tag, value = await self._lookup(keys=gens, args=args)
        return tag.decode(), value

    async def store_if_current(self, table: str, gens: list[str], tag: str, op: str, digest: str, value: bytes) -> bool:
        """Cache ``value`` under ``tag`` only while ``tag`` is still current."""
        args = [tag, self.key(table, tag, op, digest), value, self.ttl]
        return bool(await self._store(keys=gens, args=args))

    async def bump(self, gens: list[str]) -> None:
        if gens:
            await self._bump(keys=gens, args=[self.gen_ttl_seconds])
