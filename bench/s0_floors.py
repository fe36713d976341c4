"""S0 floors, measured in the same run: what the hub's own latencies stand on.

- a bare aiohttp websocket echo round trip (server pinned like a hub), plain and with
  permessage-deflate;
- a Valkey PUBLISH to a subscriber's receipt;
- a store insert to its change-stream event: SQLite read by the writing store object (woken
  at once) and by a second one, as another hub process reads it (by polling alone, and
  woken through Valkey as the hub runs when Valkey is configured); RethinkDB's changefeed
  when ``--rethinkdb-url`` is given.
"""

from __future__ import annotations

import asyncio
import os
import sys
import time
import uuid
from pathlib import Path
from typing import Any

import aiohttp

from bench.procs import free_port, kill, spawn
from bench.stats import cells, summary, table

PAYLOAD = '42/appointments,["change",{"subscription":"appointments:doctor_id=x:staff","type":"add","data":{"notes":"' + "x" * 120 + '"}}]'


async def ws_round_trips(cores: set[int], workdir: Path, count: int) -> dict[str, Any]:
    port = free_port()
    proc = spawn([sys.executable, "-m", "bench.echo_server", str(port)], dict(os.environ), workdir / "echo.log", cores)
    try:
        async with aiohttp.ClientSession() as http:
            for _ in range(100):
                try:
                    async with http.get(f"http://127.0.0.1:{port}/readyz") as resp:
                        if resp.status == 200:
                            break
                except aiohttp.ClientError:
                    await asyncio.sleep(0.1)
            results = {}
            for label, compress in (("plain", 0), ("deflate", 15)):
                async with http.ws_connect(f"http://127.0.0.1:{port}/ws", compress=compress) as ws:
                    samples = []
                    for i in range(count + 50):
                        started = time.perf_counter()
                        await ws.send_str(PAYLOAD)
                        await ws.receive_str()
                        if i >= 50:  # warm-up
                            samples.append(time.perf_counter() - started)
                results[label] = summary(samples)
            return results
    finally:
        kill(proc)


async def valkey_round_trips(valkey_url: str, count: int) -> dict[str, Any]:
    import valkey.asyncio

    channel = f"bench-floor-{uuid.uuid4().hex[:8]}"
    publisher, subscriber = valkey.asyncio.from_url(valkey_url), valkey.asyncio.from_url(valkey_url)
    pubsub = subscriber.pubsub()
    await pubsub.subscribe(channel)
    await pubsub.get_message(timeout=1.0)  # the subscribe confirmation
    samples = []
    try:
        for i in range(count + 50):
            started = time.perf_counter()
            await publisher.publish(channel, PAYLOAD)
            while (await pubsub.get_message(timeout=5.0)) is None:
                pass
            if i >= 50:
                samples.append(time.perf_counter() - started)
    finally:
        await pubsub.aclose()
        await publisher.aclose()
        await subscriber.aclose()
    return summary(samples)


async def change_latency(writer: Any, reader: Any, count: int) -> dict[str, Any]:
    """Insert into ``writer``; time until ``reader``'s change stream yields it."""
    waiting: dict[str, tuple[float, asyncio.Future[float]]] = {}
    ready = asyncio.Event()

    async def consume() -> None:
        async for item in reader.changes(["doctors"]):
            if getattr(item, "state", None) == "ready":
                ready.set()
            elif (entry := waiting.get(getattr(item, "id", ""))) is not None and not entry[1].done():
                entry[1].set_result(time.perf_counter())

    task = asyncio.create_task(consume())
    inserts, events = [], []
    try:
        await asyncio.wait_for(ready.wait(), 30)
        for i in range(count):
            record_id = uuid.uuid4().hex
            future = asyncio.get_running_loop().create_future()
            started = time.perf_counter()
            waiting[record_id] = (started, future)
            await writer.insert("doctors", {"id": record_id, "first_name": f"F{i}", "last_name": "L", "specialty": "S"})
            inserts.append(time.perf_counter() - started)
            events.append(await asyncio.wait_for(future, 10) - started)
            await asyncio.sleep(0.003)  # not in lockstep with a poll period
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
    return {"insert": summary(inserts), "event": summary(events)}


async def store_floors(workdir: Path, count: int, rethinkdb_url: str, valkey_url: str) -> dict[str, Any]:
    from hub.store.sqlite import SqliteStore
    from hub.store.sqlite.wakeups import ValkeyWakeups

    results = {}
    for label, woken in (("polling", False), ("woken through Valkey", True)):
        path, channel = workdir / f"floors-{int(woken)}.sqlite3", f"bench-floor-{uuid.uuid4().hex[:8]}"
        one, two = (SqliteStore(path, ValkeyWakeups(valkey_url, channel) if woken else None) for _ in range(2))
        for store in (one, two):
            await store.open()
            await store.migrate()
        try:
            if woken:
                while not (one.wakeups.listening and two.wakeups.listening):
                    await asyncio.sleep(0.05)
            else:
                results["sqlite same process"] = await change_latency(one, one, count)
            results[f"sqlite other process, {label}"] = await change_latency(one, two, count)
        finally:
            await one.close()
            await two.close()
    if rethinkdb_url:
        from hub.store.rethinkdb import RethinkStore

        store = RethinkStore(rethinkdb_url)
        await store.open()
        try:
            await store.migrate()
            results["rethinkdb changefeed"] = await change_latency(store, store, count)
        finally:
            await store.close()
    return results


async def run(ctx: Any) -> dict[str, Any]:
    count = 300 if ctx.args.quick else 2000
    workdir = ctx.workdir / "s0"
    workdir.mkdir(parents=True, exist_ok=True)
    result = {
        "websocket": await ws_round_trips(ctx.server_cores, workdir, count),
        "valkey_publish": await valkey_round_trips(ctx.valkey.url, count),
        "store": await store_floors(workdir, count // 10, ctx.args.rethinkdb_url, ctx.valkey.url),
    }
    rows = [[f"websocket echo ({k})", *cells(v)] for k, v in result["websocket"].items()]
    rows.append(["valkey PUBLISH -> subscriber", *cells(result["valkey_publish"])])
    for name, figures in result["store"].items():
        rows.append([f"{name}: insert ack", *cells(figures["insert"])])
        rows.append([f"{name}: insert -> change", *cells(figures["event"])])
    ctx.print(table("S0 floors (ms)", ["floor", "n", "p50", "p90", "p99", "max"], rows))
    return result
