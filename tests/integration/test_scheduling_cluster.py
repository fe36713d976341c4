"""Booking and queue invariants under concurrency through two hub processes, on each backend."""

from __future__ import annotations

import asyncio
import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import socketio

from hub.auth.permissions import Principal
from tests.app.test_scheduling import assert_capacity
from tests.conftest import call, doctor_data, patient_data
from tests.integration.hub_processes import cluster, rethinkdb_for_hubs, valkey_proc  # noqa: F401 - fixtures

pytestmark = pytest.mark.integration
NS = "/appointments"
MADRID = ZoneInfo("Europe/Madrid")
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def today_at(hour: int, minute: int = 0) -> str:
    return dt.datetime.combine(dt.datetime.now(MADRID).date(), dt.time(hour, minute)).isoformat()


async def _clients(cluster, token, per_hub=3):  # noqa: F811
    clients = []
    for hub in cluster.hubs:
        for _ in range(per_hub):
            client = socketio.AsyncClient(reconnection=False)
            await client.connect(hub.url, namespaces=[NS], auth={"token": token}, transports=["websocket"])
            clients.append(client)
    return clients


async def test_fifty_overlapping_bookings_through_two_instances_respect_capacity(cluster):  # noqa: F811
    admin = Principal(user_id="setup", role="admin")
    schedule = {"weekly": {d: [["08:00", "20:00"]] for d in DAYS}, "exceptions": []}
    doctor = await cluster.services.doctors.create(admin, doctor_data(capacity=2, schedule=schedule))
    patient = await cluster.services.patients.create(admin, patient_data())
    desk = await cluster.user("reception")
    await cluster.add_hub()
    await cluster.add_hub()
    clients = await _clients(cluster, cluster.token(desk))
    acks = await asyncio.gather(*(
        call(clients[n % len(clients)], NS, "create", {
            "doctor_id": doctor["id"], "patient_id": patient["id"], "start": today_at(10, 5 * (n % 4)), "reason": "x"},
            timeout=30)
        for n in range(50)))
    assert {a["error"]["code"] for a in acks if not a["ok"]} <= {"slot_full"}
    listed = (await call(clients[0], NS, "list", {"doctor_id": doctor["id"], "limit": 200}))["data"]
    assert sum(a["ok"] for a in acks) == len(listed) >= 2
    assert_capacity(listed, 2)
    for client in clients:
        await client.disconnect()


async def test_concurrent_check_ins_and_calls_through_two_instances_stay_unique(cluster):  # noqa: F811
    admin = Principal(user_id="setup", role="admin")
    doctor = await cluster.services.doctors.create(admin, doctor_data())
    patient = await cluster.services.patients.create(admin, patient_data())
    made = [await cluster.services.appointments.create(admin, {
        "doctor_id": doctor["id"], "patient_id": patient["id"], "start": today_at(9 + n // 12, 5 * n % 60), "reason": "x"})
        for n in range(20)]
    desk = await cluster.user("reception")
    await cluster.add_hub()
    await cluster.add_hub()
    clients = await _clients(cluster, cluster.token(desk))
    checked = await asyncio.gather(*(call(clients[n % len(clients)], NS, "check_in", {"id": a["id"]}, timeout=30)
                                     for n, a in enumerate(made)))
    assert all(c["ok"] for c in checked), [c for c in checked if not c["ok"]]
    tickets = sorted(c["data"]["ticket"] for c in checked)
    assert tickets == [f"A-{n:03d}" for n in range(1, 21)]
    calls = await asyncio.gather(*(call(clients[n % len(clients)], NS, "call_next", {"doctor_id": doctor["id"]}, timeout=30)
                                   for n in range(20)))
    called = [c["data"]["id"] for c in calls if c["ok"]]
    assert sorted(called) == sorted(a["id"] for a in made)
    for client in clients:
        await client.disconnect()
