"""S1 idle connections: RSS per socket and idle CPU of one hub instance.

For each size a fresh hub process (the Python heap never gives memory back, so sizes must
not share one): N authenticated sockets offering permessage-deflate like a browser, each
subscribed to a room of 10 (one doctor's agenda). Measured with the sockets idle, then once
more after one broadcast round (one write per room, so every socket receives one change:
the server allocates a socket's deflate compressor on its first compressed send).
RSS per socket is (RSS - RSS of the same hub before any socket) / N.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

from bench.cluster import Cluster
from bench.drive import Writers
from bench.procs import cpu_seconds, rss_bytes
from bench.stats import table, verdict

ROOM = 10
TARGET_KB, TARGET_CPU = 30.0, 5.0


async def idle_cpu(pid: int, seconds: float) -> float:
    """Percent of one core the process used over ``seconds``."""
    before, started = cpu_seconds(pid), time.monotonic()
    await asyncio.sleep(seconds)
    return (cpu_seconds(pid) - before) / (time.monotonic() - started) * 100


async def settle() -> None:
    await asyncio.sleep(2.0)


async def one_size(ctx: Any, cluster: Cluster, seeded: Any, size: int, window: float) -> dict[str, Any]:
    hub = await cluster.add_hub()
    writers = Writers(seeded, [hub.url], per_instance=1)
    await writers.open()
    await settle()
    base = rss_bytes(hub.pid)
    result: dict[str, Any] = {"sockets": size, "idle_window_s": window, "rss_base_mb": base / 2**20}
    if ctx.s1_zero_cpu is None:
        ctx.s1_zero_cpu = await idle_cpu(hub.pid, window)
    result["idle_cpu_zero_sockets_pct"] = ctx.s1_zero_cpu
    doctors = seeded.doctor_ids[: (size + ROOM - 1) // ROOM]
    specs = [{"cid": i, "instance": 0, "urls": [hub.url], "subs": [{"doctor_id": doctors[i // ROOM]}]} for i in range(size)]
    cpu_before = cpu_seconds(hub.pid)
    connected = await ctx.workers.connect(specs, seeded.token)
    result.update(connect_s=connected["seconds"], connected=connected["connected"], failed=connected["failed"],
                  connect_errors=connected["errors"], connect_cpu_ms_per_socket=(cpu_seconds(hub.pid) - cpu_before) * 1000 / max(size, 1))
    await settle()
    result["rss_idle_mb"] = rss_bytes(hub.pid) / 2**20
    result["rss_per_socket_kb"] = (rss_bytes(hub.pid) - base) / 1024 / max(connected["connected"], 1)
    result["idle_cpu_pct"] = await idle_cpu(hub.pid, window)
    before = (await ctx.workers.count())["deliveries"]
    await writers.run(f"s1-{size}", rate=ctx.args.s1_broadcast_rate, count=len(doctors), doctors=doctors)
    counts = await ctx.workers.wait_deliveries(before + connected["connected"], timeout=60)
    result["broadcast_received"] = counts["deliveries"] - before
    await settle()
    result["rss_after_broadcast_mb"] = rss_bytes(hub.pid) / 2**20
    result["rss_per_socket_after_broadcast_kb"] = (rss_bytes(hub.pid) - base) / 1024 / max(connected["connected"], 1)
    result["idle_cpu_after_broadcast_pct"] = await idle_cpu(hub.pid, window)
    await ctx.workers.all({"op": "close"})
    await writers.close()
    hub.stop()
    return result


async def run(ctx: Any) -> dict[str, Any]:
    sizes = ctx.args.s1_sizes
    cluster = Cluster.for_context(ctx, "s1")
    seeded = await cluster.seed(doctors=(max(sizes) + ROOM - 1) // ROOM)
    ctx.s1_zero_cpu = None
    results = []
    try:
        for size in sizes:
            window = ctx.args.idle_seconds if size == max(sizes) else ctx.args.idle_seconds_small
            results.append(await one_size(ctx, cluster, seeded, size, window))
    finally:
        cluster.stop()
    rows = []
    for r in results:
        rows.append([r["sockets"], r["connected"], r["connect_s"], r["connect_cpu_ms_per_socket"], r["idle_window_s"],
                     r["rss_per_socket_kb"], r["idle_cpu_pct"], r["broadcast_received"],
                     r["rss_per_socket_after_broadcast_kb"], r["idle_cpu_after_broadcast_pct"],
                     verdict(max(r["rss_per_socket_kb"], r["rss_per_socket_after_broadcast_kb"]), TARGET_KB)
                     + "/" + verdict(max(r["idle_cpu_pct"], r["idle_cpu_after_broadcast_pct"]), TARGET_CPU)])
    ctx.print(table(
        f"S1 idle sockets, one instance, rooms of {ROOM} (hub idle CPU with 0 sockets: {results[0]['idle_cpu_zero_sockets_pct']:.2f}% of a core;"
        f" targets <= {TARGET_KB:.0f} KB/socket, < {TARGET_CPU:.0f}% CPU)",
        ["sockets", "ok", "connect s", "cpu ms/conn", "window s", "KB/sock idle", "cpu% idle", "bcast rcvd",
         "KB/sock after", "cpu% after", "RSS/CPU"], rows))
    return {"sizes": results}
