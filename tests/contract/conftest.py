"""One contract, two backends: each test here runs on SQLite, and on RethinkDB when a
server exists (see tests/rethinkdb_server.py). Every RethinkDB test gets a fresh
database, dropped afterwards; every SQLite test a fresh file."""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from hub.store.base import Store
from hub.store.rethinkdb import RethinkStore
from hub.store.rethinkdb.reql import r
from hub.store.rethinkdb.settings import parse_url
from hub.store.sqlite import SqliteStore
from tests.contract.streams import StreamReader
from tests.rethinkdb_server import SKIP_REASON, RethinkTarget, fresh_db_name, rethinkdb_target

BACKENDS = ["sqlite", pytest.param("rethinkdb", marks=pytest.mark.rethinkdb)]


def skip_or_fail(config: pytest.Config, reason: str) -> None:
    if config.getoption("--require-rethinkdb"):
        pytest.fail(reason + " [--require-rethinkdb]", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def rethinkdb(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RethinkTarget | None]:
    with rethinkdb_target(tmp_path_factory.mktemp("rethinkdb")) as target:
        yield target


@pytest.fixture
def rethinkdb_target_or_skip(request: pytest.FixtureRequest, rethinkdb: RethinkTarget | None) -> RethinkTarget:
    if rethinkdb is None:
        skip_or_fail(request.config, SKIP_REASON)
    assert rethinkdb is not None
    return rethinkdb


async def run_raw(url: str, query: Any) -> Any:
    """Run one query on a connection of its own: an admin script, not the hub."""
    settings = parse_url(url)
    conn = await asyncio.wait_for(r.connect(**settings.connect_kwargs()), 10)
    try:
        result = await asyncio.wait_for(query.run(conn), 60)
        if hasattr(result, "__aiter__"):
            return [item async for item in result]
        return result
    finally:
        await conn.close(noreply_wait=False)


async def drop_database(url: str) -> None:
    db = parse_url(url).db
    await run_raw(url, r.branch(r.db_list().contains(db), r.db_drop(db), None))


@dataclasses.dataclass
class Backend:
    """Makes store instances on one fresh database; several stand for several hubs."""

    name: str
    factory: Callable[[], Store]
    url: str = ""
    stores: list[Store] = dataclasses.field(default_factory=list)

    async def open(self, *, migrate: bool = True) -> Store:
        store = self.factory()
        await store.open()
        self.stores.append(store)
        if migrate:
            await store.migrate()
        return store

    async def close_all(self) -> None:
        for store in reversed(self.stores):
            await store.close()


@pytest.fixture(params=BACKENDS)
async def backend(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Backend]:
    if request.param == "sqlite":
        path = tmp_path / "hub.sqlite3"
        sqlite = Backend("sqlite", lambda: SqliteStore(path))
        yield sqlite
        await sqlite.close_all()
        return
    target = request.getfixturevalue("rethinkdb_target_or_skip")
    url = target.url(fresh_db_name())
    rethink = Backend("rethinkdb", lambda: RethinkStore(url), url=url)
    yield rethink
    await rethink.close_all()
    await drop_database(url)


@pytest.fixture
async def store(backend: Backend) -> Store:
    return await backend.open()


@pytest.fixture
async def open_stream() -> AsyncIterator[Callable[..., StreamReader]]:
    readers: list[StreamReader] = []

    def start(store: Store, *args: Any, pause: float = 0.0, **kwargs: Any) -> StreamReader:
        reader = StreamReader(store.changes(*args, **kwargs), pause)
        readers.append(reader)
        return reader

    yield start
    for reader in readers:
        await reader.close()
