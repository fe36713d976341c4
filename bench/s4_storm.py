"""S4 reconnect storm: kill one of two instances under load; time its clients' resume.

``--s4-clients`` subscribers (rooms of 50) sit on instance 0, and a control group of one
room per 10 of them on instance 1. Writers on instance 1 send ``create`` at ``--s4-rate``
for the whole run. A few seconds in, instance 0 is killed (SIGKILL). Its clients reconnect
as socket.io-client does (1 s delay, 0.5 jitter, doubling to 5 s), to instance 1, and
resume every subscription with their last cursor. Reported: the time from the kill to each
client's socket being back and to its resume ack (p50/p99/100%), how many resumes fell back
to a snapshot, and the events lost or received twice over the whole run (both must be 0).
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

from bench.cluster import Cluster
from bench.drive import Writers
from bench.stats import cells, summary, table, verdict

ROOM, TARGET_S = 50, 10.0
KILL_AFTER_S, AFTER_KILL_S = 4.0, 12.0
STORM_KEYS = ("count", "p50", "p99", "max")
RESUME_TIMEOUT_S = 60.0


async def resumed_or_timeout(ctx: Any, victims: int, timeout: float) -> list[dict[str, Any]]:
    """The load generators' storm records, once every killed client has resumed (or at
    ``timeout``: the table then shows how many did)."""
    deadline = time.monotonic() + timeout
    while True:
        storms = await ctx.workers.all({"op": "storm"})
        if sum(len(part["resumed"]) for part in storms) >= victims or time.monotonic() > deadline:
            return storms
        await asyncio.sleep(0.5)


async def run(ctx: Any) -> dict[str, Any]:
    cluster = Cluster.for_context(ctx, "s4")
    victims = ctx.args.s4_clients
    control = max(ROOM, victims // 10 // ROOM * ROOM)
    rooms = (victims + control + ROOM - 1) // ROOM
    seeded = await cluster.seed(doctors=rooms)
    writers = Writers(seeded, [], per_instance=2)
    try:
        hubs = [await cluster.add_hub() for _ in range(2)]
        urls = [hub.url for hub in hubs]
        writers.urls = urls
        specs = [{"cid": i, "instance": 0 if i < victims else 1, "urls": urls, "reconnect": True,
                  "subs": [{"doctor_id": seeded.doctor_ids[i // ROOM]}]} for i in range(victims + control)]
        connected = await ctx.workers.connect(specs, seeded.token)
        await writers.open(instances=[1])
        duration = KILL_AFTER_S + AFTER_KILL_S
        load = asyncio.create_task(writers.run("s4", ctx.args.s4_rate, round(ctx.args.s4_rate * duration),
                                               seeded.doctor_ids[:rooms], instances=[1]))
        await asyncio.sleep(KILL_AFTER_S)
        killed_at = time.time()
        hubs[0].kill()
        await load
        storms = await resumed_or_timeout(ctx, victims, RESUME_TIMEOUT_S)
        await ctx.workers.wait_deliveries(10**12, timeout=30)  # until nothing moves for 3 s
        parts = await ctx.workers.all({"op": "collect", "writes": writers.writes})
    finally:
        await ctx.workers.all({"op": "close"})
        await ctx.workers.all({"op": "reset"})
        await writers.close()
        cluster.stop()
    resumed = [entry for part in storms for entry in part["resumed"]]
    down = sum(part["down"] for part in storms)
    result = {
        "clients": connected, "victims": victims, "control": control, "down": down, "resumed": len(resumed),
        "reconnected_s": summary([e["connected"] - killed_at for e in resumed], scale=1.0),
        "resumed_s": summary([e["resumed"] - killed_at for e in resumed], scale=1.0),
        "attempts": summary([e["attempts"] for e in resumed], scale=1.0),
        "snapshot_resumes": sum(1 for e in resumed if e["fresh"]),
        "reconnect_errors": [part["errors"] for part in storms],
        "writes": len(writers.writes), "write_errors": dict(writers.errors),
        "lost": sum(sum(p["lost"].values()) for p in parts), "duplicates": sum(sum(p["duplicates"].values()) for p in parts),
        "replayed": sum(p["replayed"] for p in parts),
    }
    everyone = result["resumed"] == down == victims
    last = result["resumed_s"].get("max")
    ctx.print(table(
        f"S4 reconnect storm: instance 0 killed with {victims} clients under {ctx.args.s4_rate:.0f} writes/s "
        f"(seconds from the kill; target: all resumed <= {TARGET_S:.0f} s, nothing lost)",
        ["measure", "n", "p50", "p99", "100%"],
        [["socket back", *cells(result["reconnected_s"], STORM_KEYS)], ["subscriptions resumed", *cells(result["resumed_s"], STORM_KEYS)],
         ["connect attempts", *cells(result["attempts"], STORM_KEYS)]]))
    ctx.print(f"S4: {result['resumed']}/{victims} resumed ({result['snapshot_resumes']} by snapshot), "
              f"{result['replayed']} missed changes replayed, lost {result['lost']}, duplicates {result['duplicates']}, "
              f"{result['writes']} writes ({sum(result['write_errors'].values())} failed): "
              f"{'PASS' if everyone and not result['lost'] and not result['duplicates'] else 'FAIL'}"
              f"/{verdict(last, TARGET_S) if everyone else 'FAIL'}")
    return result
