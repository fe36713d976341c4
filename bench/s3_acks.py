"""S3 ack latency: ``create`` round trips while the S2 load runs at 100 writes/s in rooms of 50.

The background load is S2's (open-loop writers on both instances, ``--clients``
subscribers). Beside it, one probe socket per instance sends ``create`` for a doctor nobody
subscribes to, so the probes add no deliveries, at ``PROBE_RATE`` per second each (the next
one waits for the last ack). Unpaced, the probes added about 90 writes/s to the 100 under
test and measured a hub at twice the load. Both the probes' and the open-loop writers' ack
times are reported.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

from bench.cluster import NAMESPACE, appointment
from bench.s2_fanout import Fanout, Phase
from bench.sio_client import SioClient
from bench.stats import cells, summary, table, verdict

RATE, ROOM, TARGET_P99_MS = 100.0, 50, 20.0
PROBE_RATE = 5.0  # per instance


async def probe(fanout: Fanout, url: str, until: float) -> list[float]:
    assert fanout.writers is not None and fanout.writers.session is not None and fanout.seeded is not None
    sio = SioClient(fanout.writers.session, url, NAMESPACE, {"token": fanout.seeded.token})
    await sio.connect()
    samples = []
    try:
        next_at = time.monotonic()
        while time.monotonic() < until:
            started = time.perf_counter()
            ack = await sio.call("create", appointment(fanout.seeded, fanout.spare_doctor, "probe"))
            if ack.get("ok"):
                samples.append(time.perf_counter() - started)
            next_at += 1 / PROBE_RATE
            await asyncio.sleep(max(0.0, next_at - time.monotonic()))
    finally:
        await sio.close()
    return samples


async def run(ctx: Any) -> dict[str, Any]:
    fanout = Fanout(ctx, ROOM, ctx.args.clients, name="s3")
    try:
        connected = await fanout.start()
        assert fanout.cluster is not None
        seconds = ctx.args.s3_seconds
        until = time.monotonic() + seconds
        probes = [asyncio.create_task(probe(fanout, hub.url, until)) for hub in fanout.cluster.hubs]
        load = await fanout.phase(Phase("s3 load", RATE, round(RATE * seconds)))
        samples = [s for task in probes for s in await task]
        (load,) = await fanout.results([load])
    finally:
        await fanout.stop()
    probe_figures, writer_figures = summary(samples), load["ack"]
    ctx.print(table(
        f"S3 create ack round trip (ms) under {RATE:.0f} writes/s, rooms of {ROOM}, {connected['connected']} subscribers "
        f"(target p99 <= {TARGET_P99_MS:.0f})",
        ["who", "n", "p50", "p90", "p99", "max", "verdict"],
        [[f"probe ({PROBE_RATE:.0f}/s per instance)", *cells(probe_figures), verdict(probe_figures.get("p99"), TARGET_P99_MS)],
         ["load writers (open loop)", *cells(writer_figures), verdict(writer_figures.get("p99"), TARGET_P99_MS)]]))
    return {"connected": connected, "probe": probe_figures, "load": load}
