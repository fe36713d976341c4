"""Choosing the backend, and its lifetime as an aiohttp cleanup context."""

from __future__ import annotations

from collections.abc import AsyncIterator

from aiohttp import web

from hub.config import Config
from hub.store.base import Store


def create_store(config: Config) -> Store:
    if config.store == "rethinkdb":
        from hub.store.rethinkdb import RethinkStore

        return RethinkStore(config.rethinkdb_url)
    from hub.store.sqlite import SqliteStore

    return SqliteStore(config.sqlite_path)


def store_ctx_for(store: Store):  # noqa: ANN201 - an aiohttp cleanup_ctx
    async def store_ctx(app: web.Application) -> AsyncIterator[None]:
        await store.open()
        await store.migrate()
        yield
        await store.close()

    return store_ctx
