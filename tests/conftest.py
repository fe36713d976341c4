"""Fixtures shared by every tier: a config per test, a running hub on a real port, clients."""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import aiohttp
import pytest
import socketio

from hub.app import create_app
from hub.config import Config, load_config
from hub.keys import services_key, store_key, tokens_key

TEST_SECRET = "test-secret-0123456789-abcdefghijklmnopqrstuvwxyz"
PASSWORD = "correct-horse-battery"


def make_config(tmp_path: Path, **env: str) -> Config:
    base = {
        "HUB_SQLITE_PATH": str(tmp_path / "hub.sqlite3"),
        "HUB_DATA_DIR": str(tmp_path / "var"),
        "HUB_JWT_SECRET": TEST_SECRET,
        "HUB_BCRYPT_ROUNDS": "4",
        "HUB_TIMEZONE": "Europe/Madrid",
        # Tests send events much faster than people do; tests/app/test_security_sockets.py sets its own limits.
        "HUB_SOCKET_RATE_PER_SECOND": "10000",
        "HUB_SOCKET_BURST": "10000",
    }
    return load_config({**base, **env}, dotenv_path=None)


@pytest.fixture
def config(tmp_path: Path) -> Config:
    return make_config(tmp_path)


@dataclasses.dataclass
class Hub:
    """A hub running on a real loopback port, plus helpers that use our own seams."""

    url: str
    app: Any
    http: aiohttp.ClientSession
    _clients: list[socketio.AsyncClient] = dataclasses.field(default_factory=list)

    @property
    def store(self) -> Any:
        return self.app[store_key]

    @property
    def services(self) -> Any:
        return self.app[services_key]

    def token(self, user: dict[str, Any], **kwargs: Any) -> str:
        return self.app[tokens_key].issue(user["id"], user["role"], **kwargs)[0]

    async def user(self, role: str, *, email: str | None = None, doctor_id: str | None = None, **extra: Any) -> dict[str, Any]:
        data = {
            "email": email or f"{role}-{len(self._clients)}-{id(extra)}@clinic.test",
            "first_name": role.capitalize(),
            "last_name": "Tester",
            "role": role,
            "password": PASSWORD,
            **extra,
        }
        if doctor_id:
            data["doctor_id"] = doctor_id
        return await self.services.users.insert_account(data)

    async def connect(self, namespace: str, token: str | None, **kwargs: Any) -> socketio.AsyncClient:
        client = socketio.AsyncClient(reconnection=False)
        self._clients.append(client)
        auth = {"token": token} if token is not None else None
        await client.connect(self.url, namespaces=[namespace], auth=auth, transports=["websocket"], wait_timeout=5, **kwargs)
        return client

    async def headers(self, user: dict[str, Any]) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token(user)}"}

    async def close(self) -> None:
        for client in self._clients:
            if client.connected:
                await client.disconnect()
        await self.http.close()


HubFactory = Callable[..., Awaitable[Hub]]


@pytest.fixture
async def start_hub(aiohttp_server: Any) -> AsyncIterator[HubFactory]:
    hubs: list[Hub] = []

    async def start(config: Config) -> Hub:
        server = await aiohttp_server(create_app(config))
        hub = Hub(url=str(server.make_url("")).rstrip("/"), app=server.app, http=aiohttp.ClientSession())
        hubs.append(hub)
        return hub

    yield start
    for hub in hubs:
        await hub.close()


@pytest.fixture
async def hub(start_hub: HubFactory, config: Config) -> Hub:
    return await start_hub(config)


async def call(client: socketio.AsyncClient, namespace: str, event: str, data: Any = None, timeout: float = 5) -> Any:
    """Emit with an ack and return the ack payload."""
    if data is None:
        return await client.call(event, namespace=namespace, timeout=timeout)
    return await client.call(event, data, namespace=namespace, timeout=timeout)


def patient_data(**overrides: Any) -> dict[str, Any]:
    data = {
        "national_id": "12345678Z",
        "first_name": "José",
        "last_name": "Ñúñez Peña",
        "birth_date": "1990-01-31",
        "gender": "male",
        "phone": "+34 600 111 222",
    }
    return {**data, **overrides}


def doctor_data(**overrides: Any) -> dict[str, Any]:
    data = {
        "first_name": "Elena",
        "last_name": "Ruiz",
        "specialty": "Cardiología",
        "room": "Consulta 3",
        "slot_minutes": 20,
        # Round the clock with room to spare, so tests book any time; scheduling tests set their own.
        "capacity": 20,
        "schedule": {"weekly": {day: [["00:00", "00:00"]] for day in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")},
                     "exceptions": []},
    }
    return {**data, **overrides}


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--require-rethinkdb",
        action="store_true",
        default=False,
        help="fail, instead of skipping, the tests that need a RethinkDB server (or the rethinkdb binary)",
    )
