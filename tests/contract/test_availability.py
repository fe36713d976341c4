"""Down means down: ping is false and requests fail fast with Unavailable. On RethinkDB,
a server restart or freeze under a running store is survived: streams say resync, then
ready, and later changes arrive."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path

import pytest

from hub.errors import Unavailable
from hub.store.rethinkdb import RethinkStore
from hub.store.rethinkdb.connection import Backoff, Connection
from hub.store.rethinkdb.feeds import FeedSet
from tests.contract.conftest import Backend, skip_or_fail
from tests.contract.records import doctor
from tests.contract.streams import StreamReader, is_change, is_state
from tests.rethinkdb_server import NO_BINARY_REASON, RethinkServer, binary

pytestmark = pytest.mark.timeout(120)

FAST = Backoff(base=0.05, cap=0.5)


async def test_closed_store_is_down_and_fails_fast(backend: Backend) -> None:
    store = await backend.open()
    saved = await store.insert("doctors", doctor())
    await store.close()
    assert await store.ping() is False
    started = time.monotonic()
    with pytest.raises(Unavailable):
        await store.get("doctors", saved["id"])
    with pytest.raises(Unavailable):
        await store.insert("doctors", doctor())
    assert time.monotonic() - started < 1


async def test_open_store_pings_true(backend: Backend) -> None:
    store = await backend.open()
    assert await store.ping() is True


@pytest.fixture
def own_server(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[RethinkServer]:
    if binary() is None:
        skip_or_fail(request.config, NO_BINARY_REASON)
    server = RethinkServer(tmp_path / "rethinkdb-data")
    server.start()
    yield server
    server.stop()


@pytest.fixture
async def live_store(own_server: RethinkServer) -> AsyncIterator[RethinkStore]:
    store = RethinkStore(own_server.url("hub", timeout="1"), backoff=FAST)
    await store.open()
    await store.migrate()
    yield store
    await store.close()


async def eventually(check: Callable[[], object], timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while not await check():  # type: ignore[misc]
        assert time.monotonic() < deadline, "condition not reached in time"
        await asyncio.sleep(0.1)


async def fails_fast(store: RethinkStore, limit: float) -> None:
    started = time.monotonic()
    with pytest.raises(Unavailable):
        await store.get("doctors", "any")
    assert time.monotonic() - started < limit


@pytest.mark.rethinkdb
async def test_server_restart_under_a_running_store_resyncs_and_recovers(
    own_server: RethinkServer, live_store: RethinkStore, open_stream: Callable[..., StreamReader], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, "hub.store.rethinkdb")
    stream = open_stream(live_store, ["doctors"])
    await stream.ready()
    await asyncio.to_thread(own_server.stop)
    await stream.until(is_state("resync"), timeout=10)
    assert await live_store.ping() is False
    await fails_fast(live_store, 0.5)
    await asyncio.sleep(1)  # let a few reconnect attempts fail (and be logged)
    await asyncio.to_thread(own_server.start)
    await stream.until(is_state("ready"), timeout=30)
    await eventually(live_store.ping)
    saved = await live_store.insert("doctors", doctor())
    await stream.until(is_change("doctors", "add", saved["id"]), timeout=10)
    assert "retry" in caplog.text and "connection lost" in caplog.text


@pytest.mark.rethinkdb
async def test_frozen_server_turns_requests_into_unavailable_within_the_timeout(
    own_server: RethinkServer,
    live_store: RethinkStore,
    open_stream: Callable[..., StreamReader],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(FeedSet, "heartbeat", 0.5)
    monkeypatch.setattr(Connection, "heartbeat", 0.5)
    stream = open_stream(live_store, ["doctors"])
    await stream.ready()
    own_server.freeze()
    try:
        await fails_fast(live_store, 2.5)  # the URL's timeout is 1 s
        assert await live_store.ping() is False
        await stream.until(is_state("resync"), timeout=10)
        await fails_fast(live_store, 2.5)
    finally:
        own_server.resume()
    await stream.until(is_state("ready"), timeout=30)
    await eventually(live_store.ping)
    saved = await live_store.insert("doctors", doctor())
    await stream.until(is_change("doctors", "add", saved["id"]), timeout=10)


@pytest.mark.rethinkdb
async def test_open_without_a_server_fails_with_unavailable(own_server: RethinkServer) -> None:
    store = RethinkStore(own_server.url("hub", timeout="1"), backoff=FAST)
    store.open_timeout = 1.5
    await asyncio.to_thread(own_server.stop)
    started = time.monotonic()
    with pytest.raises(Unavailable):
        await store.open()
    assert time.monotonic() - started < 4
    assert await store.ping() is False
