"""The browser tier's world: a real hub process, a seeded clinic on its SQLite file, Chromium.

The hub runs as ``python -m hub serve`` on a loopback port so a test can kill it and start
it again on the same port and the same SQLite file. The test process opens that file too,
through our own store and services, to seed it and to write "from elsewhere".
"""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import os
import shutil
import signal
import socket
import subprocess
import sys
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import aiohttp

from hub.app import create_token_service
from hub.auth.permissions import Principal
from hub.config import load_config
from hub.services.registry import create_services
from hub.store.sqlite import SqliteStore
from tests.conftest import PASSWORD, TEST_SECRET

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
SYSTEM = Principal(user_id="browser-test-setup", role="admin")
CLINIC_TZ = "Europe/Madrid"
ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "artifacts" / "screenshots"
EVERY_DAY = {day: [["08:00", "20:00"]] for day in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}


def chromium_missing() -> str | None:
    """Why the browser tests cannot run here, or None."""
    if not (os.access(CHROMIUM, os.X_OK) or shutil.which("chromium")):
        return f"Debian's chromium is not installed ({CHROMIUM}); run ./dev test as root or apt-get install chromium"
    try:
        import playwright  # noqa: F401
    except ImportError:
        return "playwright for Python is not installed (pip install -e .[test])"
    return None


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class HubServer:
    """One hub process; ``kill`` and ``start`` again keep its port and its SQLite file."""

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
            for _ in range(300):
                if self.proc.poll() is not None:
                    raise RuntimeError(f"hub exited: {self.log_path.read_text()[-3000:]}")
                try:
                    async with http.get(f"{self.url}/readyz") as resp:
                        await resp.read()
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


@dataclasses.dataclass
class Clinic:
    """What the tests know about the seeded clinic: records, accounts, and our own seams."""

    hub: HubServer
    store: SqliteStore
    services: Any
    tokens: Any
    doctor: dict[str, Any]
    other_doctor: dict[str, Any]
    patient: dict[str, Any]
    users: dict[str, dict[str, Any]]

    @property
    def url(self) -> str:
        return self.hub.url

    def token(self, role: str, **kwargs: Any) -> str:
        user = self.users[role]
        return self.tokens.issue(user["id"], user["role"], sv=user.get("session_version", 0), **kwargs)[0]

    async def close(self) -> None:
        self.hub.stop()
        await self.store.close()


def hub_env(tmp_path: Path) -> dict[str, str]:
    return {
        **os.environ,
        "HUB_SQLITE_PATH": str(tmp_path / "hub.sqlite3"),
        "HUB_DATA_DIR": str(tmp_path / "var"),
        "HUB_JWT_SECRET": TEST_SECRET,
        "HUB_JWT_LEEWAY_SECONDS": "0",  # expiry tests need not wait out a leeway
        "HUB_BCRYPT_ROUNDS": "4",
        "HUB_TIMEZONE": CLINIC_TZ,
        "HUB_VALKEY_URL": "",
        "HUB_LOG_LEVEL": "INFO",
    }


async def open_clinic(tmp_path: Path) -> Clinic:
    env = hub_env(tmp_path)
    config = load_config(env, dotenv_path=None)
    store = SqliteStore(config.sqlite_path)
    await store.open()
    await store.migrate()
    services = create_services(store, config)
    doctor = await services.doctors.create(SYSTEM, doctor_record("Elena", "Ruiz", "Cardiología", "Consulta 3"))
    other = await services.doctors.create(SYSTEM, doctor_record("Luis", "Molina", "Pediatría", "Consulta 5"))
    patient = await services.patients.create(SYSTEM, {
        "national_id": "12345678Z", "first_name": "José", "last_name": "Ñúñez Peña", "birth_date": "1990-01-31",
        "gender": "male", "phone": "+34 600 111 222", "medical_history": "Alergia a la penicilina",
    })
    users = {}
    for role in ("reception", "doctor", "display"):
        extra = {"doctor_id": doctor["id"]} if role == "doctor" else {}
        users[role] = await services.users.insert_account({
            "email": f"{role}@clinic.test", "first_name": role.capitalize(), "last_name": "Prueba",
            "role": role, "password": PASSWORD, **extra})
    hub = HubServer(env, tmp_path / "hub.log")
    await hub.start()
    return Clinic(hub, store, services, create_token_service(config), doctor, other, patient, users)


def doctor_record(first: str, last: str, specialty: str, room: str) -> dict[str, Any]:
    return {"first_name": first, "last_name": last, "specialty": specialty, "room": room, "slot_minutes": 30,
            "schedule": {"weekly": EVERY_DAY, "exceptions": []}}


def clinic_today() -> str:
    return dt.datetime.now(ZoneInfo(CLINIC_TZ)).date().isoformat()


def at_today(hhmm: str) -> str:
    """A clinic-local time today, as the server reads a time without offset."""
    return f"{clinic_today()}T{hhmm}:00"
