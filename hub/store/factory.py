"""Choosing the backend, and its lifetime as an aiohttp cleanup context."""

from __future__ import annotations

from collections.abc import AsyncIterator

from aiohttp import web

from hub.config import Config
from hub.store.base import Store

# The cache must never make a read slower than the store by much: a Valkey that does not
# answer within this is treated as down, and the read goes to the store.
CACHE_SOCKET_TIMEOUT = 0.25


def create_backend(config: Config) -> Store:
    if config.store == "rethinkdb":
        from hub.store.rethinkdb import RethinkStore

        return RethinkStore(config.rethinkdb_url)
    from hub.store.sqlite import SqliteStore
    from hub.store.sqlite.wakeups import ValkeyWakeups

    wakeups = ValkeyWakeups(config.valkey_url, f"{config.valkey_channel}:sqlite-wakeups") if config.valkey_url else None
    return SqliteStore(config.sqlite_path, wakeups)


def create_store(config: Config) -> Store:
    """The backend, wrapped in the Valkey read cache when Valkey is configured and
    HUB_CACHE is on. The cache's client is opened and closed with the store."""
    store = create_backend(config)
    if not (config.valkey_url and config.cache):
        return store
    import valkey.asyncio
    from hub.store.cache import CachingStore

    client = valkey.asyncio.from_url(
        config.valkey_url, socket_timeout=CACHE_SOCKET_TIMEOUT, socket_connect_timeout=CACHE_SOCKET_TIMEOUT
    )
    return CachingStore(store, client, prefix=f"{config.valkey_channel}:cache")


def store_ctx_for(store: Store):  # noqa: ANN201 - an aiohttp cleanup_ctx
    async def store_ctx(app: web.Application) -> AsyncIterator[None]:
        await store.open()
        await store.migrate()
        yield
        await store.close()

    return store_ctx
