"""Helpers for the app tier: a small clinic built through our own services, refusals, dumps."""

from __future__ import annotations

import asyncio
import dataclasses
from typing import Any

import pytest
import socketio

from hub.auth.permissions import Principal
from hub.domain.doctors import WEEKDAYS
from hub.keys import sio_key
from hub.store.query import Query
from hub.store.tables import TABLES
from tests.conftest import Hub, doctor_data, patient_data

SYSTEM = Principal(user_id="test-setup", role="admin")
NAMESPACES = ("/patients", "/doctors", "/appointments")


async def refusal(hub: Hub, namespace: str, auth: Any, **kwargs: Any) -> dict[str, Any]:
    """Connect expecting a refusal; return what the server sent with connect_error."""
    client = socketio.AsyncClient(reconnection=False)
    seen: list[Any] = []

    @client.on("connect_error", namespace=namespace)
    async def on_connect_error(data: Any) -> None:
        seen.append(data)

    with pytest.raises(socketio.exceptions.ConnectionError):
        await client.connect(hub.url, namespaces=[namespace], auth=auth, transports=["websocket"], wait_timeout=5, **kwargs)
    assert len(seen) == 1, seen
    return seen[0]


def room_members(hub: Hub, namespace: str) -> set[str]:
    """Every sid the server's manager holds in any room of ``namespace``."""
    rooms = hub.app[sio_key].manager.rooms.get(namespace, {})
    return {sid for members in rooms.values() for sid in members}


async def settle(check: Any, timeout: float = 2.0) -> None:
    """Wait until ``check()`` is true (server-side cleanup runs after the client returns)."""
    deadline = asyncio.get_running_loop().time() + timeout
    while not check():
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError("condition never became true")
        await asyncio.sleep(0.01)


async def dump(hub: Hub) -> dict[str, list[dict[str, Any]]]:
    """Every stored record of every table but the audit trail (reads append to it), in a stable order."""
    tables = [table for table in TABLES if table != "audit"]
    return {table: sorted(await hub.store.list(table, Query()), key=lambda r: str(r["id"])) for table in tables}


async def login(hub: Hub, email: str, password: str) -> Any:
    """POST /auth/login; the body is read, so the connection is released even if only status is checked."""
    resp = await hub.http.post(f"{hub.url}/auth/login", json={"email": email, "password": password})
    await resp.read()
    return resp


async def status_of(request: Any) -> int:
    """Await a request, read its body (releasing the connection) and return the status."""
    resp = await request
    await resp.read()
    return resp.status


@dataclasses.dataclass
class Clinic:
    """Two doctors, a patient, one appointment per doctor, and one account per role."""

    hub: Hub
    doctor: dict[str, Any]
    other_doctor: dict[str, Any]
    patient: dict[str, Any]
    own_appointment: dict[str, Any]
    other_appointment: dict[str, Any]
    users: dict[str, dict[str, Any]]

    def token(self, role: str) -> str:
        return self.hub.token(self.users[role])

    def headers(self, role: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token(role)}"}

    async def connect(self, role: str, namespace: str) -> socketio.AsyncClient:
        return await self.hub.connect(namespace, self.token(role))


# Two overlapping 24-hour shifts a day and the largest capacity: these tests are about records,
# permissions and validation, so any appointment time (even across midnight) fits the doctors.
ALWAYS_OPEN = {"weekly": {day: [["00:00", "00:00"], ["12:00", "12:00"]] for day in WEEKDAYS}, "exceptions": []}


async def build_clinic(hub: Hub) -> Clinic:
    services = hub.services
    open_doctor = {"schedule": ALWAYS_OPEN, "capacity": 20}
    doctor = await services.doctors.create(SYSTEM, doctor_data(last_name="Ruiz", **open_doctor))
    other = await services.doctors.create(SYSTEM, doctor_data(last_name="Molina", specialty="Pediatría", **open_doctor))
    patient = await services.patients.create(SYSTEM, patient_data(medical_history="Alergia a la penicilina"))
    own = await services.appointments.create(SYSTEM, appointment_data(patient, doctor, start="2026-05-04T10:00:00+02:00"))
    foreign = await services.appointments.create(SYSTEM, appointment_data(patient, other, start="2026-05-04T11:00:00+02:00"))
    users = {}
    for role in ("admin", "reception", "doctor", "display"):
        extra = {"doctor_id": doctor["id"]} if role == "doctor" else {}
        users[role] = await hub.user(role, email=f"{role}@clinic.test", **extra)
    return Clinic(hub, doctor, other, patient, own, foreign, users)


def appointment_data(patient: dict[str, Any], doctor: dict[str, Any], **overrides: Any) -> dict[str, Any]:
    data = {"patient_id": patient["id"], "doctor_id": doctor["id"], "start": "2026-05-04T10:00:00+02:00",
            "duration_minutes": 30, "reason": "Revisión"}
    return {**data, **overrides}


def dni(number: int) -> str:
    """A valid Spanish DNI for ``number``."""
    return f"{number:08d}{'TRWAGMYFPDXBNJZSQVHLCKE'[number % 23]}"
