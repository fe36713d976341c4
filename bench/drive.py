"""The runner's side of the load: load-generator processes and the writers.

``Workers`` starts the load-generator processes and sends them commands; ``Writers`` holds a
few writer sockets per hub instance in the runner itself and sends ``create`` at a fixed
rate (open loop: a write is sent at its time whether or not earlier ones were acked),
timing each ack and remembering which records were committed.
"""

from __future__ import annotations

import asyncio
import collections
import itertools
import multiprocessing
import time
from typing import Any

import aiohttp

from bench.cluster import NAMESPACE, Seeded, appointment
from bench.loadgen import worker_main
from bench.sio_client import SioClient


class Workers:
    def __init__(self, count: int, cores: set[int]) -> None:
        ctx = multiprocessing.get_context("spawn")
        self.pipes, self.procs = [], []
        for index in range(count):
            ours, theirs = ctx.Pipe()
            proc = ctx.Process(target=worker_main, args=(theirs, index, cores), daemon=True, name=f"loadgen-{index}")
            proc.start()
            self.pipes.append(ours)
            self.procs.append(proc)

    async def ask(self, messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Send one message to each worker, wait for every reply."""
        for pipe, msg in zip(self.pipes, messages, strict=True):
            pipe.send(msg)
        replies = await asyncio.gather(*(asyncio.to_thread(pipe.recv) for pipe in self.pipes))
        for reply in replies:
            if "error" in reply:
                raise RuntimeError(f"load generator failed: {reply['error']}")
        return replies

    async def all(self, msg: dict[str, Any]) -> list[dict[str, Any]]:
        return await self.ask([msg] * len(self.pipes))

    async def connect(self, specs: list[dict[str, Any]], token: str) -> dict[str, Any]:
        shares = [specs[i :: len(self.pipes)] for i in range(len(self.pipes))]
        replies = await self.ask([{"op": "connect", "clients": share, "token": token} for share in shares])
        rooms: collections.Counter[str] = collections.Counter()
        for reply in replies:
            rooms.update(reply["rooms"])
        return {"connected": sum(r["connected"] for r in replies), "failed": sum(r["failed"] for r in replies),
                "errors": [e for r in replies for e in r["errors"]][:5], "seconds": max(r["seconds"] for r in replies),
                "rooms": dict(rooms)}

    async def count(self) -> dict[str, float]:
        replies = await self.all({"op": "count"})
        return {key: sum(r[key] for r in replies) for key in ("deliveries", "replayed", "cpu", "connected")}

    async def wait_deliveries(self, expected: int, timeout: float) -> dict[str, float]:
        """Until ``expected`` deliveries arrived, or nothing moved for 3 s, or ``timeout``."""
        deadline, last, still_since = time.monotonic() + timeout, -1, time.monotonic()
        while True:
            counts = await self.count()
            now = time.monotonic()
            if counts["deliveries"] >= expected or now > deadline or now - still_since > 3.0:
                return counts
            if counts["deliveries"] != last:
                last, still_since = counts["deliveries"], now
            await asyncio.sleep(0.1)

    def close(self) -> None:
        for pipe in self.pipes:
            try:
                pipe.send({"op": "exit"})
            except (BrokenPipeError, OSError):
                pass
        for proc in self.procs:
            proc.join(10)
            if proc.is_alive():
                proc.kill()


class Writers:
    def __init__(self, seeded: Seeded, urls: list[str], per_instance: int = 2) -> None:
        self.seeded, self.urls, self.per_instance = seeded, urls, per_instance
        self.session: aiohttp.ClientSession | None = None
        self.sockets: dict[int, list[SioClient]] = {}
        self.writes: dict[str, tuple[str, str]] = {}  # record id -> (doctor id, phase)
        self.acks: dict[str, list[float]] = collections.defaultdict(list)  # phase -> seconds
        self.errors: collections.Counter[str] = collections.Counter()
        self.tasks: set[asyncio.Task[None]] = set()

    async def open(self, instances: list[int] | None = None) -> None:
        self.session = aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0, force_close=True))
        for instance in instances if instances is not None else range(len(self.urls)):
            self.sockets[instance] = []
            for _ in range(self.per_instance):
                sio = SioClient(self.session, self.urls[instance], NAMESPACE, {"token": self.seeded.token})
                await sio.connect()
                self.sockets[instance].append(sio)

    async def write(self, phase: str, instance: int, sio: SioClient, doctor_id: str) -> None:
        notes = f"b|{phase}|{time.time():.6f}|{instance}"
        started = time.perf_counter()
        try:
            ack = await sio.call("create", appointment(self.seeded, doctor_id, notes), timeout=60)
        except Exception as exc:  # noqa: BLE001 - counted
            self.errors[f"{phase}: {type(exc).__name__}"] += 1
            return
        if ack.get("ok"):
            self.acks[phase].append(time.perf_counter() - started)
            self.writes[ack["data"]["id"]] = (doctor_id, phase)
        else:
            self.errors[f"{phase}: {ack.get('error', {}).get('code')}"] += 1

    async def run(self, phase: str, rate: float, count: int, doctors: list[str], instances: list[int] | None = None) -> float:
        """``count`` creates at ``rate`` per second, spread over ``doctors`` and the writer
        sockets of ``instances``; returns once every ack is in (the seconds it took)."""
        instances = instances if instances is not None else sorted(self.sockets)
        targets = itertools.cycle([(i, s) for k in range(self.per_instance) for i in instances for s in [self.sockets[i][k]]])
        doctor_cycle = itertools.cycle(doctors)
        started = time.monotonic()
        pending = []
        for n in range(count):
            delay = started + n / rate - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)
            instance, sio = next(targets)
            pending.append(asyncio.create_task(self.write(phase, instance, sio, next(doctor_cycle))))
        await asyncio.gather(*pending)
        return time.monotonic() - started

    def run_background(self, phase: str, rate: float, count: int, doctors: list[str], instances: list[int]) -> asyncio.Task[float]:
        task = asyncio.create_task(self.run(phase, rate, count, doctors, instances))
        return task

    async def close(self) -> None:
        for sockets in self.sockets.values():
            for sio in sockets:
                await sio.close()
        if self.session is not None:
            await self.session.close()
