"""S2 commit to screen: subscribers over two instances, rooms of 10, 50 and 500.

For each room size a fresh pair of hubs (same SQLite file, one Valkey) and ``--clients``
subscribers, each in one room (one doctor's agenda), every room split evenly over both
instances. Writers on both instances send ``create`` open-loop at each rate for
``--phase-seconds``, then a burst of ``--burst`` writes in ``--burst-seconds``. Every
delivery is timed from the record's commit stamp (``created_at``) to its receipt, and split
into same-instance (the writer's) and other-instance deliveries. After each phase the run
waits for the deliveries to drain, then counts what was lost or received twice.

CPU is the hubs' and Valkey's, read from /proc, per 1,000 deliveries.
"""

from __future__ import annotations

import dataclasses
import time
from typing import Any

from bench.cluster import Cluster, Seeded
from bench.drive import Writers
from bench.procs import cpu_seconds
from bench.stats import merge, summary, table, verdict

TARGET_P99_MS = 50.0


@dataclasses.dataclass
class Phase:
    name: str
    rate: float
    count: int


@dataclasses.dataclass
class Fanout:
    """Two hubs with ``clients`` subscribers in rooms of ``room``, and writers on both."""

    ctx: Any
    room: int
    clients: int
    name: str = "s2"
    cluster: Cluster | None = None
    seeded: Seeded | None = None
    writers: Writers | None = None
    doctors: list[str] = dataclasses.field(default_factory=list)

    async def start(self) -> dict[str, Any]:
        self.cluster = Cluster.for_context(self.ctx, f"{self.name}-room{self.room}")
        rooms = max(1, self.clients // self.room)
        self.seeded = await self.cluster.seed(doctors=rooms + 1)  # the last one has no subscribers
        self.doctors = self.seeded.doctor_ids[:rooms]
        hubs = [await self.cluster.add_hub() for _ in range(2)]
        urls = [hub.url for hub in hubs]
        specs = [{"cid": i, "instance": i % 2, "urls": urls, "subs": [{"doctor_id": self.doctors[i // self.room]}]}
                 for i in range(rooms * self.room)]
        connected = await self.ctx.workers.connect(specs, self.seeded.token)
        self.writers = Writers(self.seeded, urls)
        await self.writers.open()
        return connected

    @property
    def spare_doctor(self) -> str:
        assert self.seeded is not None
        return self.seeded.doctor_ids[-1]

    def server_cpu(self) -> float:
        assert self.cluster is not None
        return sum(cpu_seconds(hub.pid) for hub in self.cluster.hubs) + cpu_seconds(self.ctx.valkey.pid)

    async def phase(self, phase: Phase, drain_timeout: float = 90.0) -> dict[str, Any]:
        """One phase: writes at its rate, then wait until every delivery arrived (or stalled)."""
        assert self.writers is not None
        before = await self.ctx.workers.count()
        cpu_before, started = self.server_cpu(), time.monotonic()
        took = await self.writers.run(phase.name, phase.rate, phase.count, self.doctors)
        written = sum(1 for _, p in self.writers.writes.values() if p == phase.name)
        expected = before["deliveries"] + written * self.room
        after = await self.ctx.workers.wait_deliveries(expected, timeout=drain_timeout)
        return {"phase": phase.name, "rate": phase.rate, "writes": written, "send_seconds": took,
                "seconds": time.monotonic() - started, "expected": written * self.room,
                "deliveries": after["deliveries"] - before["deliveries"],
                "server_cpu_s": self.server_cpu() - cpu_before, "load_cpu_s": after["cpu"] - before["cpu"]}

    async def results(self, phases: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Merge the load generators' samples into the phases' figures."""
        assert self.writers is not None
        parts = await self.ctx.workers.all({"op": "collect", "writes": self.writers.writes})
        commit = merge(p["commit"] for p in parts)
        for figures in phases:
            name = figures["phase"]
            spans = [p["spans"][name] for p in parts if name in p["spans"]]
            span = (max(s[1] for s in spans) - min(s[0] for s in spans)) if spans else 0.0
            figures.update(
                same=summary(commit.get((name, "same"), [])), other=summary(commit.get((name, "other"), [])),
                all=summary([*commit.get((name, "same"), []), *commit.get((name, "other"), [])]),
                lost=sum(p["lost"].get(name, 0) for p in parts), duplicates=sum(p["duplicates"].get(name, 0) for p in parts),
                deliveries_per_s=figures["deliveries"] / span if span > 0 else None,
                server_cpu_s_per_1000=figures["server_cpu_s"] * 1000 / max(figures["deliveries"], 1),
                ack=summary(self.writers.acks.get(name, [])),
                write_errors={k: v for k, v in self.writers.errors.items() if k.startswith(f"{name}:")},
            )
        return phases

    async def stop(self) -> None:
        await self.ctx.workers.all({"op": "close"})
        await self.ctx.workers.all({"op": "reset"})
        if self.writers is not None:
            await self.writers.close()
        if self.cluster is not None:
            self.cluster.stop()


def plan(args: Any, room: int) -> list[Phase]:
    """The phases for one room size. A phase whose writes would make more than
    ``--max-deliveries`` deliveries is cut short (same rate, fewer writes), so that a
    saturated hub cannot hold the run for minutes; the table's ``writes`` says so."""
    cap = max(1, args.max_deliveries // room)
    phases = [Phase(f"{rate:g}/s", rate, min(cap, max(1, round(rate * args.phase_seconds)))) for rate in args.rates]
    if args.burst:
        phases.append(Phase(f"burst {args.burst}/{args.burst_seconds:g}s", args.burst / args.burst_seconds, min(cap, args.burst)))
    return phases


async def run(ctx: Any) -> dict[str, Any]:
    results = []
    for room in ctx.args.rooms:
        fanout = Fanout(ctx, room, ctx.args.clients)
        try:
            connected = await fanout.start()
            phases = [await fanout.phase(phase) for phase in plan(ctx.args, room)]
            results.append({"room": room, "connected": connected, "phases": await fanout.results(phases)})
        finally:
            await fanout.stop()
    ctx.print(table(
        f"S2 commit to screen, {ctx.args.clients} subscribers over 2 instances (ms from commit; same = writer's "
        f"instance; target at 100/s in rooms of 50: p99 <= {TARGET_P99_MS:.0f})",
        ["room", "phase", "writes", "deliv", "lost", "dup", "p50", "p90", "p99", "max", "same p99", "other p99", "deliv/s",
         "cpu s/1k", "verdict"],
        [row(r["room"], p) for r in results for p in r["phases"]]))
    return {"rooms": results}


def row(room: int, p: dict[str, Any]) -> list[Any]:
    judged = room == 50 and p["rate"] == 100
    ok = p["lost"] == 0 and p["duplicates"] == 0
    mark = ("PASS" if ok else "LOSS") + ("/" + verdict(p["all"].get("p99"), TARGET_P99_MS) if judged else "")
    return [room, p["phase"], p["writes"], p["deliveries"], p["lost"], p["duplicates"], p["all"].get("p50"), p["all"].get("p90"),
            p["all"].get("p99"), p["all"].get("max"), p["same"].get("p99"), p["other"].get("p99"),
            p["deliveries_per_s"], p["server_cpu_s_per_1000"], mark]
