"""A benchmark cluster: N hub processes on one fresh SQLite file and a shared Valkey.

The hubs get a fixed JWT secret, so tokens are minted here with the hub's own
TokenService (no login: bcrypt and the login throttle are not what is measured), and the
per-socket rate limits are raised out of the way of the load.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import secrets
import uuid
from pathlib import Path
from typing import Any

from bench.procs import Hub, Valkey

HUB_ENV = {
    "HUB_MODE": "development",
    "HUB_STORE": "sqlite",
    "HUB_BCRYPT_ROUNDS": "4",
    "HUB_TIMEZONE": "Europe/Madrid",
    "HUB_ACCESS_TOKEN_MINUTES": "240",
    "HUB_SOCKET_RATE_PER_SECOND": "10000",
    "HUB_SOCKET_BURST": "100000",
    "HUB_SOCKET_ABUSE_LIMIT": "0",
    "HUB_CACHE": "on",
}
NAMESPACE = "/appointments"
APPOINTMENT_START = "2030-01-07T10:00:00"  # far from today: no "today" logic on the path


@dataclasses.dataclass
class Seeded:
    token: str
    patient_id: str
    doctor_ids: list[str]


class Cluster:
    def __init__(self, workdir: Path, valkey: Valkey, cores: set[int], log_level: str = "WARNING",
                 extra_env: dict[str, str] | None = None) -> None:
        workdir.mkdir(parents=True, exist_ok=True)
        self.workdir, self.cores = workdir, cores
        self.valkey = valkey
        self.env = {
            **os.environ,
            **HUB_ENV,
            "HUB_SQLITE_PATH": str(workdir / "hub.sqlite3"),
            "HUB_DATA_DIR": str(workdir / "var"),
            "HUB_JWT_SECRET": secrets.token_urlsafe(48),
            "HUB_VALKEY_URL": valkey.url,
            "HUB_VALKEY_CHANNEL": f"bench-{uuid.uuid4().hex[:8]}",
            "HUB_LOG_LEVEL": log_level,
            "HUB_RETHINKDB_URL": "",
            **(extra_env or {}),
        }
        self.hubs: list[Hub] = []

    @classmethod
    def for_context(cls, ctx: Any, name: str) -> Cluster:
        """A cluster in the scenario's own folder, with the runner's ``--hub-env`` settings."""
        extra = dict(item.split("=", 1) for item in ctx.args.hub_env)
        return cls(ctx.workdir / name, ctx.valkey, ctx.server_cores, ctx.args.hub_log_level, extra)

    async def seed(self, doctors: int) -> Seeded:
        """One reception account, one patient, ``doctors`` doctors; straight into the store."""
        from hub.app import create_token_service
        from hub.auth.permissions import Principal
        from hub.config import load_config
        from hub.services.registry import create_services
        from hub.store.factory import create_backend

        config = load_config(self.env, dotenv_path=None)
        store = create_backend(config)
        await store.open()
        try:
            await store.migrate()
            services = create_services(store, config)
            user = await services.users.insert_account({
                "email": f"bench-{uuid.uuid4().hex[:6]}@clinic.test", "first_name": "Bench", "last_name": "Desk",
                "role": "reception", "password": secrets.token_urlsafe(16),
            })
            admin = Principal(user_id=user["id"], role="admin", doctor_id=None, token_id="bench", expires_at=None)
            patient = await services.patients.create(admin, {
                "national_id": "12345678Z", "first_name": "Ana", "last_name": "Bench", "birth_date": "1980-01-01",
            })
            doctor_ids = []
            for i in range(doctors):
                doctor = await services.doctors.create(admin, {
                    "first_name": f"Doc{i}", "last_name": "Bench", "specialty": f"Specialty {i % 8}", "capacity": 1,
                })
                doctor_ids.append(doctor["id"])
        finally:
            await store.close()
        token = create_token_service(config).issue(user["id"], user["role"], sv=user.get("session_version", 0))[0]
        return Seeded(token=token, patient_id=patient["id"], doctor_ids=doctor_ids)

    async def add_hub(self) -> Hub:
        hub = Hub(self.env, self.workdir / f"hub-{len(self.hubs)}.log", self.cores)
        self.hubs.append(hub)
        await hub.start()
        return hub

    def stop(self) -> None:
        for hub in self.hubs:
            hub.stop()


def appointment(seeded: Seeded, doctor_id: str, notes: str) -> dict[str, Any]:
    """A create payload: reception overbooks (``force``), so no capacity or hours are checked."""
    return {
        "patient_id": seeded.patient_id, "doctor_id": doctor_id, "start": APPOINTMENT_START,
        "duration_minutes": 15, "reason": "bench", "force": True, "notes": notes,
    }


def parse_stamp(value: str) -> float:
    """An ISO 8601 ``...Z`` datetime from the hub, as seconds since the epoch."""
    return dt.datetime.fromisoformat(value).timestamp()
