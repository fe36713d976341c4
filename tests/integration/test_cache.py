"""The Valkey read cache in running hubs, over REST: never stale across two instances,
outside writes seen through the change stream, Valkey down, slow, or restarted."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import Any

import pytest

from hub.keys import store_key
from hub.store.cache import CachingStore
from hub.store.sqlite import SqliteStore
from tests.conftest import Hub, doctor_data
from tests.integration.cache_support import (  # noqa: F401 - cache_valkey is a fixture
    CacheValkey,
    cache_config,
    cache_valkey,
    eventually,
    serving,
    unique_prefix,
)

pytestmark = pytest.mark.integration


def cache_of(hub: Hub) -> CachingStore:
    store = hub.app[store_key]
    assert isinstance(store, CachingStore), "HUB_VALKEY_URL set and HUB_CACHE on must give a cached store"
    return store


async def rest(hub: Hub, admin: dict[str, Any], method: str, path: str, **kwargs: Any) -> Any:
    async with hub.http.request(method, f"{hub.url}{path}", headers=await hub.headers(admin), **kwargs) as resp:
        body = await resp.json()
        assert resp.status < 300, (resp.status, body)
        return body


async def start_cached_hubs(start_hub: Any, tmp_path: Path, valkey: CacheValkey, count: int) -> list[Hub]:
    config = cache_config(tmp_path, valkey.url, unique_prefix())
    hubs = [await start_hub(config) for _ in range(count)]
    for hub in hubs:
        await serving(cache_of(hub))
    return hubs


async def test_cache_read_your_write_through_two_instances_is_never_stale(start_hub, tmp_path, cache_valkey):
    a, b = await start_cached_hubs(start_hub, tmp_path, cache_valkey, 2)
    admin = await a.user("admin")
    doctor = await rest(a, admin, "POST", "/doctors", json=doctor_data())
    path = f"/doctors/{doctor['id']}"
    for i in range(30):
        writer, reader = (a, b) if i % 2 == 0 else (b, a)
        await rest(reader, admin, "GET", path)  # the reader's cache holds the old value
        await rest(reader, admin, "GET", "/doctors")
        written = await rest(writer, admin, "PATCH", path, json={"room": f"Consulta {i}"})
        got = await rest(reader, admin, "GET", path)
        listed = await rest(reader, admin, "GET", "/doctors")
        assert (got["room"], got["version"]) == (f"Consulta {i}", written["version"])
        assert [d["room"] for d in listed if d["id"] == doctor["id"]] == [f"Consulta {i}"]
    stats = [cache_of(hub).stats() for hub in (a, b)]
    assert all(s["hits"] > 0 and s["errors"] == 0 for s in stats), stats


async def test_cache_concurrent_readers_never_see_a_version_older_than_a_finished_write(start_hub, tmp_path, cache_valkey):
    a, b = await start_cached_hubs(start_hub, tmp_path, cache_valkey, 2)
    admin = await a.user("admin")
    doctor = await rest(a, admin, "POST", "/doctors", json=doctor_data())
    path = f"/doctors/{doctor['id']}"
    finished: list[tuple[float, int]] = []  # (when the write returned, its version)
    reads: list[tuple[float, int]] = []  # (when the read started, the version it saw)
    done = asyncio.Event()

    async def read_loop(hub: Hub) -> None:
        while not done.is_set():
            started = time.monotonic()
            reads.append((started, (await rest(hub, admin, "GET", path))["version"]))

    readers = [asyncio.create_task(read_loop(hub)) for hub in (b, b, a)]
    try:
        for i in range(20):
            written = await rest(a if i % 2 else b, admin, "PATCH", path, json={"room": f"Consulta {i}"})
            finished.append((time.monotonic(), written["version"]))
            await asyncio.sleep(0.01)
    finally:
        done.set()
        await asyncio.gather(*readers)
    stale = [(t, v, w) for t, v in reads for ended, w in finished if t > ended and v < w]
    assert not stale, stale[:5]
    assert len(reads) > 40 and cache_of(b).stats()["hits"] > 0


async def test_cache_outside_write_is_seen_within_a_second(start_hub, tmp_path, cache_valkey):
    (hub,) = await start_cached_hubs(start_hub, tmp_path, cache_valkey, 1)
    admin = await hub.user("admin")
    doctor = await rest(hub, admin, "POST", "/doctors", json=doctor_data())
    path, cache = f"/doctors/{doctor['id']}", cache_of(hub)
    await eventually(lambda: _served_from_cache(hub, admin, path))

    outside = SqliteStore(hub.app[store_key].inner.path)  # another process, as far as the hub knows
    await outside.open()
    try:
        await outside.update("doctors", doctor["id"], {"room": "Consulta 42"})
    finally:
        await outside.close()
    waited = await eventually(lambda: _room_is(hub, admin, path, "Consulta 42"), timeout=1.0)
    assert waited < 1.0 and cache.stats()["state"] == "up"


async def _served_from_cache(hub: Hub, admin: dict[str, Any], path: str) -> bool:
    before = cache_of(hub).health.counters.hits
    await rest(hub, admin, "GET", path)
    return cache_of(hub).health.counters.hits > before


async def _room_is(hub: Hub, admin: dict[str, Any], path: str, room: str) -> bool:
    return (await rest(hub, admin, "GET", path))["room"] == room


async def _readyz(hub: Hub) -> tuple[int, dict[str, Any]]:
    async with hub.http.get(f"{hub.url}/readyz") as resp:
        return resp.status, await resp.json()


async def test_cache_valkey_down_then_restarted_reads_and_writes_go_on(start_hub, tmp_path, cache_valkey):
    a, b = await start_cached_hubs(start_hub, tmp_path, cache_valkey, 2)
    admin = await a.user("admin")
    doctor = await rest(a, admin, "POST", "/doctors", json=doctor_data())
    path = f"/doctors/{doctor['id']}"
    await eventually(lambda: _served_from_cache(b, admin, path))

    await cache_valkey.stop()
    for i in range(5):
        await rest(a, admin, "PATCH", path, json={"room": f"Down {i}"})
        assert (await rest(b, admin, "GET", path))["room"] == f"Down {i}"
    status, body = await _readyz(b)
    assert status == 200 and body["store"]["up"] is True
    assert body["cache"]["state"] == "down" and body["cache"]["errors"] > 0

    await cache_valkey.start()
    await serving(cache_of(b))
    await eventually(lambda: _served_from_cache(b, admin, path))
    assert (await rest(b, admin, "GET", path))["room"] == "Down 4"
    status, body = await _readyz(b)
    assert status == 200 and body["cache"]["state"] == "up"


async def test_cache_persisted_valkey_restart_after_missed_invalidations_serves_fresh(start_hub, tmp_path):
    """Valkey saves its keys when stopped; writes made while it was down could not move the
    generation, so the restored keys are stale. Recovery must move every table."""
    valkey = CacheValkey(tmp_path / "valkey-persist", persist=True)
    await valkey.start()
    try:
        (hub,) = await start_cached_hubs(start_hub, tmp_path, valkey, 1)
        admin = await hub.user("admin")
        doctor = await rest(hub, admin, "POST", "/doctors", json=doctor_data(room="Before"))
        path = f"/doctors/{doctor['id']}"
        await eventually(lambda: _served_from_cache(hub, admin, path))
        await valkey.stop()
        await rest(hub, admin, "PATCH", path, json={"room": "While down"})
        await valkey.start()
        await serving(cache_of(hub))
        assert (await rest(hub, admin, "GET", path))["room"] == "While down"
        await eventually(lambda: _served_from_cache(hub, admin, path))
        assert (await rest(hub, admin, "GET", path))["room"] == "While down"
    finally:
        await valkey.stop()


async def test_cache_slow_valkey_reads_fall_back_to_the_store_quickly(start_hub, tmp_path, cache_valkey):
    (hub,) = await start_cached_hubs(start_hub, tmp_path, cache_valkey, 1)
    admin = await hub.user("admin")
    doctor = await rest(hub, admin, "POST", "/doctors", json=doctor_data())
    path = f"/doctors/{doctor['id']}"
    await eventually(lambda: _served_from_cache(hub, admin, path))
    pauser = cache_valkey.client()
    try:
        await pauser.execute_command("CLIENT", "PAUSE", 2000, "ALL")  # Valkey stops answering for 2 s
        started = time.monotonic()
        await rest(hub, admin, "PATCH", path, json={"room": "Slow"})
        assert (await rest(hub, admin, "GET", path))["room"] == "Slow"
        assert time.monotonic() - started < 1.5  # no call waited for the pause to end
        assert cache_of(hub).stats()["state"] == "down"
    finally:
        await pauser.aclose()
    await serving(cache_of(hub))
    assert (await rest(hub, admin, "GET", path))["room"] == "Slow"
