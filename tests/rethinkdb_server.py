"""A RethinkDB server for tests: the one HUB_TEST_RETHINKDB_URL names, or a throwaway one
started from the ``rethinkdb`` binary on PATH (loopback only, free ports, a temporary
data directory, no update check), stopped at the end of the session.
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
import shutil
import signal
import socket
import subprocess
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

SKIP_REASON = "RethinkDB tests skipped: no server (set HUB_TEST_RETHINKDB_URL or put rethinkdb on PATH)"
NO_BINARY_REASON = "RethinkDB restart tests skipped: they start their own server (put rethinkdb on PATH)"
# The server's zone should not matter (P12); run ours in one with a half-hour offset.
SERVER_TZ = "Asia/Kolkata"


def free_ports(count: int) -> list[int]:
    """Distinct free ports (all bound at once, so the OS cannot hand out one twice)."""
    with contextlib.ExitStack() as stack:
        sockets = [stack.enter_context(socket.socket()) for _ in range(count)]
        for sock in sockets:
            sock.bind(("127.0.0.1", 0))
        return [sock.getsockname()[1] for sock in sockets]


def binary() -> str | None:
    return shutil.which("rethinkdb")


@dataclasses.dataclass
class RethinkServer:
    """A rethinkdb process that tests can stop, freeze and restart on the same port."""

    directory: Path
    driver_port: int = 0
    cluster_port: int = 0
    process: subprocess.Popen[bytes] | None = None

    def __post_init__(self) -> None:
        if not self.driver_port:
            self.driver_port, self.cluster_port = free_ports(2)

    @property
    def log_path(self) -> Path:
        return self.directory.with_suffix(".log")

    def url(self, db: str, **params: str) -> str:
        query = "&".join(f"{k}={v}" for k, v in params.items())
        return f"rethinkdb://127.0.0.1:{self.driver_port}/{db}" + (f"?{query}" if query else "")

    def start(self, timeout: float = 60) -> None:
        command = [
            binary() or "rethinkdb", "--directory", str(self.directory), "--bind", "127.0.0.1",
            "--driver-port", str(self.driver_port), "--cluster-port", str(self.cluster_port),
            "--no-http-admin", "--no-update-check", "--cache-size", "128", "--server-name", "hub_test",
        ]  # fmt: skip
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, env={**os.environ, "TZ": SERVER_TZ})
        self._wait_ready(timeout)

    def _wait_ready(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.process is not None
            if self.process.poll() is not None:
                raise RuntimeError(f"rethinkdb exited: {self.log_path.read_text()[-2000:]}")
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", self.driver_port), timeout=1):
                return
            time.sleep(0.1)
        raise RuntimeError(f"rethinkdb did not start in {timeout}s: {self.log_path.read_text()[-2000:]}")

    def stop(self) -> None:
        if self.process is None:
            return
        self.resume()
        self.process.terminate()
        try:
            self.process.wait(20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(10)
        self.process = None

    def restart(self) -> None:
        self.stop()
        self.start()

    def freeze(self) -> None:
        """SIGSTOP: the server keeps its sockets open but answers nothing."""
        if self.process is not None:
            self.process.send_signal(signal.SIGSTOP)
            self._wait_state("T")

    def _wait_state(self, state: str, timeout: float = 5) -> None:
        assert self.process is not None
        status = Path(f"/proc/{self.process.pid}/status")
        deadline = time.monotonic() + timeout
        while f"State:\t{state}" not in status.read_text():
            assert time.monotonic() < deadline, f"rethinkdb did not reach state {state}"
            time.sleep(0.01)

    def resume(self) -> None:
        if self.process is not None:
            self.process.send_signal(signal.SIGCONT)


@dataclasses.dataclass(frozen=True)
class RethinkTarget:
    """Where the tests' databases live; ``url(db)`` names a database on it."""

    base_url: str
    server: RethinkServer | None = None

    def url(self, db: str, **params: str) -> str:
        parts = urlsplit(self.base_url)
        query = "&".join([p for p in [parts.query] if p] + [f"{k}={v}" for k, v in params.items()])
        return urlunsplit((parts.scheme, parts.netloc, f"/{db}", query, ""))


def fresh_db_name() -> str:
    return f"hubtest_{uuid.uuid4().hex[:12]}"


@contextlib.contextmanager
def rethinkdb_target(tmp_dir: Path) -> Iterator[RethinkTarget | None]:
    if url := os.environ.get("HUB_TEST_RETHINKDB_URL"):
        yield RethinkTarget(url)
        return
    if binary() is None:
        yield None
        return
    server = RethinkServer(tmp_dir / "rethinkdb-data")
    server.start()
    try:
        yield RethinkTarget(server.url("test"), server)
    finally:
        server.stop()
