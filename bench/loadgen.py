"""A load-generator process: many lean socket clients, driven by commands over a pipe.

The runner starts several of these (multiprocessing, spawn) pinned to the cores the
servers are not on. Each holds its share of the clients, records one latency sample per
received ``change`` (``time.time()`` at receipt minus the record's ``created_at``, the
hub's commit stamp, and minus the send stamp the writer put in ``notes``), and answers:

- ``connect``: open and subscribe its clients; ``count``: deliveries so far and own CPU;
- ``collect``: latencies per (phase, same/other instance), lost and duplicate counts;
- ``storm``: reconnect times of the clients whose instance was killed; ``close``.
"""

from __future__ import annotations

import array
import asyncio
import collections
import os
import random
import time
from multiprocessing.connection import Connection
from typing import Any

import aiohttp

from bench.cluster import NAMESPACE, parse_stamp
from bench.sio_client import SioClient

CONNECT_CONCURRENCY = 24
# socket.io-client defaults: reconnectionDelay 1000 ms, randomizationFactor 0.5, delayMax 5000 ms.
RECONNECT_DELAY, RECONNECT_JITTER, RECONNECT_MAX = 1.0, 0.5, 5.0


class Client:
    """One screen: a socket on one instance, holding some subscriptions and what it saw."""

    def __init__(self, gen: LoadGen, spec: dict[str, Any]) -> None:
        self.gen, self.cid, self.instance = gen, spec["cid"], spec["instance"]
        self.urls: list[str] = spec["urls"]
        self.filters: list[dict[str, Any]] = spec["subs"]
        self.reconnect = spec.get("reconnect", False)
        self.sio: SioClient | None = None
        self.cursors: dict[str, str] = {}
        self.subscriptions: list[str] = []
        self.seen: collections.Counter[str] = collections.Counter()
        self.down_at: float | None = None
        self.storm: dict[str, Any] | None = None
        self.storm_fresh = 0
        self.stopping = False

    async def start(self) -> None:
        await self._open(self.urls[self.instance])
        for flt in self.filters:
            ack = await self.sio.call("subscribe", flt)
            if not ack.get("ok"):
                raise RuntimeError(f"subscribe refused: {ack}")
            self.subscriptions.append(ack["data"]["subscription"])
            self.cursors[ack["data"]["subscription"]] = ack["data"]["cursor"]
        if self.reconnect:
            asyncio.create_task(self._watch())

    async def _open(self, url: str) -> None:
        self.sio = SioClient(self.gen.session, url, NAMESPACE, {"token": self.gen.token}, on_event=self.gen.on_event)
        self.sio.owner = self  # type: ignore[attr-defined]
        await self.sio.connect()

    async def _watch(self) -> None:
        """Reconnect like socket.io-client, to the next instance, and resume by cursor."""
        await self.sio.closed.wait()
        if self.stopping:
            return
        self.down_at = time.time()
        attempts, delay = 0, RECONNECT_DELAY
        # Like a proxy with health checks: the instance that dropped us is not tried again.
        others = [i for i in range(len(self.urls)) if i != self.instance] or [self.instance]
        while not self.stopping:
            await asyncio.sleep(delay * random.uniform(1 - RECONNECT_JITTER, 1 + RECONNECT_JITTER))
            index, attempts = others[attempts % len(others)], attempts + 1
            try:
                connected_at = await self._resume(self.urls[index])
            except Exception as exc:  # noqa: BLE001 - refused, reset, timed out: try again later
                self.gen.storm_errors[f"{type(exc).__name__}: {exc}"[:120]] += 1
                delay = min(delay * 2, RECONNECT_MAX)
                continue
            self.storm = {"down": self.down_at, "connected": connected_at, "resumed": time.time(),
                          "attempts": attempts, "fresh": self.storm_fresh, "to": index}
            asyncio.create_task(self._watch())
            return

    async def _resume(self, url: str) -> float:
        if self.sio is not None:
            await self.sio.close()
        await self._open(url)
        connected_at, self.storm_fresh = time.time(), 0
        for name, flt in zip(list(self.subscriptions), self.filters, strict=True):
            ack = await self.sio.call("subscribe", {**flt, "cursor": self.cursors[name]})
            if not ack.get("ok"):
                raise RuntimeError(f"resume refused: {ack}")
            data = ack["data"]
            self.cursors[data["subscription"]] = data["cursor"]
            if data.get("resumed"):
                for change in data["changes"]:
                    self.gen.record(self, change, replayed=True)
            else:
                self.storm_fresh += 1
                for item in data["items"]:
                    self.seen[item["id"]] = max(self.seen[item["id"]], 1)
        return connected_at

    async def close(self) -> None:
        self.stopping = True
        if self.sio is not None:
            await self.sio.close()


class LoadGen:
    def __init__(self, conn: Connection, index: int) -> None:
        self.conn, self.index = conn, index
        self.session: aiohttp.ClientSession | None = None
        self.token = ""
        self.clients: list[Client] = []
        self.deliveries = 0
        self.replayed = 0
        self.storm_errors: collections.Counter[str] = collections.Counter()
        # (phase, "same"|"other") -> commit-to-screen and send-to-screen latencies, seconds
        self.commit: dict[tuple[str, str], array.array] = collections.defaultdict(lambda: array.array("d"))
        self.sent: dict[tuple[str, str], array.array] = collections.defaultdict(lambda: array.array("d"))
        self.first_last: dict[str, list[float]] = {}
        self.stop = asyncio.Event()

    # -- receiving ------------------------------------------------------------------------
    def on_event(self, sio: SioClient, name: str, payload: Any) -> None:
        if name == "change":
            self.record(sio.owner, payload)  # type: ignore[attr-defined]

    def record(self, client: Client, change: dict[str, Any], replayed: bool = False) -> None:
        now = time.time()
        client.cursors[change["subscription"]] = change["cursor"]
        if change["type"] != "add":
            return
        client.seen[change["id"]] += 1
        if replayed:
            self.replayed += 1
            return
        self.deliveries += 1
        data = change["data"]
        notes = (data.get("notes") or "").split("|")
        if len(notes) < 4 or notes[0] != "b":
            return
        phase, sent, writer = notes[1], float(notes[2]), int(notes[3])
        where = "same" if writer == client.instance else "other"
        self.commit[(phase, where)].append(now - parse_stamp(data["created_at"]))
        self.sent[(phase, where)].append(now - sent)
        span = self.first_last.setdefault(phase, [now, now])
        span[1] = now

    # -- commands -------------------------------------------------------------------------
    async def connect(self, msg: dict[str, Any]) -> dict[str, Any]:
        self.token = msg["token"]
        started, gate, errors = time.monotonic(), asyncio.Semaphore(msg.get("concurrency", CONNECT_CONCURRENCY)), []

        async def one(spec: dict[str, Any]) -> None:
            client = Client(self, spec)
            async with gate:
                for attempt in range(3):
                    try:
                        await client.start()
                        self.clients.append(client)
                        return
                    except Exception as exc:  # noqa: BLE001 - counted and reported
                        await client.close()
                        client = Client(self, spec)
                        if attempt == 2:
                            errors.append(f"{type(exc).__name__}: {exc}"[:200])
                        await asyncio.sleep(0.2 * (attempt + 1))

        await asyncio.gather(*(one(spec) for spec in msg["clients"]))
        return {"connected": len(self.clients), "failed": len(errors), "errors": errors[:5],
                "seconds": time.monotonic() - started, "rooms": self._rooms()}

    def _rooms(self) -> dict[str, int]:
        members: collections.Counter[str] = collections.Counter()
        for client in self.clients:
            for flt in client.filters:
                members[flt["doctor_id"]] += 1
        return dict(members)

    def count(self) -> dict[str, Any]:
        times = os.times()
        return {"deliveries": self.deliveries, "replayed": self.replayed, "cpu": times.user + times.system,
                "connected": sum(1 for c in self.clients if c.sio is not None and c.sio.connected)}

    def collect(self, writes: dict[str, tuple[str, str]]) -> dict[str, Any]:
        """Latencies, and per phase the lost (expected, never seen) and duplicate receipts."""
        by_doctor: dict[str, list[tuple[str, str]]] = collections.defaultdict(list)
        for record_id, (doctor_id, phase) in writes.items():
            by_doctor[doctor_id].append((record_id, phase))
        lost: collections.Counter[str] = collections.Counter()
        duplicates: collections.Counter[str] = collections.Counter()
        for client in self.clients:
            for flt in client.filters:
                for record_id, phase in by_doctor.get(flt["doctor_id"], ()):
                    seen = client.seen.get(record_id, 0)
                    if seen == 0:
                        lost[phase] += 1
                    elif seen > 1:
                        duplicates[phase] += seen - 1
        return {"commit": dict(self.commit), "sent": dict(self.sent), "lost": dict(lost), "duplicates": dict(duplicates),
                "spans": self.first_last, **self.count()}

    def storm(self) -> dict[str, Any]:
        down = [c for c in self.clients if c.down_at is not None]
        return {"down": len(down), "resumed": [c.storm for c in down if c.storm is not None],
                "errors": dict(self.storm_errors.most_common(5))}

    async def close(self) -> dict[str, Any]:
        await asyncio.gather(*(c.close() for c in self.clients), return_exceptions=True)
        self.clients.clear()
        return {"closed": True}

    def reset(self) -> dict[str, Any]:
        self.commit.clear()
        self.sent.clear()
        self.first_last.clear()
        for client in self.clients:
            client.seen.clear()
        return {"reset": True}

    async def handle(self, msg: dict[str, Any]) -> None:
        op = msg["op"]
        if op == "connect":
            reply = await self.connect(msg)
        elif op == "count":
            reply = self.count()
        elif op == "collect":
            reply = self.collect(msg["writes"])
        elif op == "storm":
            reply = self.storm()
        elif op == "reset":
            reply = self.reset()
        elif op == "close":
            reply = await self.close()
        elif op == "exit":
            reply = await self.close()
            self.stop.set()
        else:
            reply = {"error": f"unknown op {op}"}
        self.conn.send(reply)

    async def run(self) -> None:
        loop = asyncio.get_running_loop()
        connector = aiohttp.TCPConnector(limit=0, force_close=True)
        self.session = aiohttp.ClientSession(connector=connector)
        inbox: asyncio.Queue[dict[str, Any]] = asyncio.Queue()

        def readable() -> None:
            try:
                inbox.put_nowait(self.conn.recv())
            except EOFError:
                loop.remove_reader(self.conn.fileno())
                inbox.put_nowait({"op": "exit"})

        loop.add_reader(self.conn.fileno(), readable)
        try:
            while not self.stop.is_set():
                msg = await inbox.get()
                try:
                    await self.handle(msg)
                except (BrokenPipeError, EOFError):
                    break
                except Exception as exc:  # noqa: BLE001 - reported to the runner
                    self.conn.send({"error": f"{type(exc).__name__}: {exc}"})
        finally:
            await self.session.close()


def worker_main(conn: Connection, index: int, cores: set[int]) -> None:
    """Entry point of a load-generator process."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the runner handles Ctrl-C and tells us to exit
    if cores:
        os.sched_setaffinity(0, cores)
    asyncio.run(LoadGen(conn, index).run())
