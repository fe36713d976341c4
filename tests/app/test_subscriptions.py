"""Live subscriptions on one instance: snapshot, changes, moves, resume, consistency."""

from __future__ import annotations

import asyncio
import random

from tests.app.live_helpers import LiveView
from tests.conftest import call, doctor_data, patient_data

NS = "/appointments"


async def _clinic(hub):
    admin = await hub.user("admin")
    desk = await hub.user("reception")
    doctors = [await hub.services.doctors.create(_p(admin), doctor_data(last_name=f"D{i}")) for i in range(2)]
    patient = await hub.services.patients.create(_p(desk), patient_data())
    return desk, doctors, patient


def _p(user):
    from hub.auth.permissions import Principal

    return Principal(user_id=user["id"], role=user["role"], doctor_id=user.get("doctor_id"))


def _appointment(doctor, patient, start="2026-12-07T10:00:00", **extra):
    return {"doctor_id": doctor["id"], "patient_id": patient["id"], "start": start, "reason": "Revisión", **extra}


async def test_subscribe_then_writes_deliver_add_change_remove_in_order(hub):
    desk, (d1, d2), patient = await _clinic(hub)
    writer = await hub.connect(NS, hub.token(desk))
    watcher = await hub.connect(NS, hub.token(desk))
    view = LiveView(watcher, NS)
    data = await view.subscribe(doctor_id=d1["id"])
    assert data["items"] == [] and data["cursor"]

    created = (await call(writer, NS, "create", _appointment(d1, patient)))["data"]
    await view.wait_for(lambda v: created["id"] in v.items)
    await call(writer, NS, "update", {"id": created["id"], "data": {"reason": "Dolor"}})
    await view.wait_for(lambda v: v.items.get(created["id"], {}).get("reason") == "Dolor")
    await call(writer, NS, "update", {"id": created["id"], "data": {"doctor_id": d2["id"]}})
    await view.wait_for(lambda v: created["id"] not in v.items)
    assert [e["type"] for e in view.events] == ["add", "change", "remove"]
    assert [e["data"]["version"] for e in view.events[:2]] == [1, 2]


async def test_record_moved_between_doctors_leaves_one_view_and_enters_the_other(hub):
    desk, (d1, d2), patient = await _clinic(hub)
    writer = await hub.connect(NS, hub.token(desk))
    first, second = LiveView(await hub.connect(NS, hub.token(desk)), NS), LiveView(await hub.connect(NS, hub.token(desk)), NS)
    created = (await call(writer, NS, "create", _appointment(d1, patient)))["data"]
    assert [i["id"] for i in (await first.subscribe(doctor_id=d1["id"]))["items"]] == [created["id"]]
    await second.subscribe(doctor_id=d2["id"])
    await call(writer, NS, "update", {"id": created["id"], "data": {"doctor_id": d2["id"]}})
    await first.wait_for(lambda v: not v.items)
    await second.wait_for(lambda v: created["id"] in v.items)
    assert [e["type"] for e in first.events] == ["remove"]
    assert [e["type"] for e in second.events] == ["add"]


async def test_subscribe_during_concurrent_writes_ends_equal_to_a_fresh_list(hub):
    desk, (d1, _), patient = await _clinic(hub)
    writer = await hub.connect(NS, hub.token(desk))
    ids = [(await call(writer, NS, "create", _appointment(d1, patient, start=f"2026-12-07T{9 + i:02d}:00:00")))["data"]["id"]
           for i in range(5)]
    rng = random.Random(3)

    async def churn():
        for n in range(60):
            target = rng.choice(ids)
            await call(writer, NS, "update", {"id": target, "data": {"reason": f"r{n}"}})

    views = [LiveView(await hub.connect(NS, hub.token(desk)), NS) for _ in range(4)]
    task = asyncio.create_task(churn())
    for view in views:
        await asyncio.sleep(0.02)
        await view.subscribe(doctor_id=d1["id"])
    await task
    fresh = {a["id"]: a for a in (await call(writer, NS, "list", {"doctor_id": d1["id"]}))["data"]}
    for view in views:
        await view.wait_for(lambda v: v.items == fresh)
        versions = {}
        for event in view.events:  # per-record version order, nothing twice
            assert event["data"]["version"] > versions.get(event["id"], 0)
            versions[event["id"]] = event["data"]["version"]


async def _resume_after_missed_changes(hub, keep_room_alive: bool):
    """Subscribe, drop, miss a change, a move away and an add, resume with the cursor.
    Checks the answer is exactly the missed changes; returns the resumed view."""
    desk, (d1, d2), patient = await _clinic(hub)
    writer = await hub.connect(NS, hub.token(desk))
    kept = (await call(writer, NS, "create", _appointment(d1, patient)))["data"]
    moved = (await call(writer, NS, "create", _appointment(d1, patient, start="2026-12-07T11:00:00")))["data"]
    stays = LiveView(await hub.connect(NS, hub.token(desk)), NS)
    if keep_room_alive:
        await stays.subscribe(doctor_id=d1["id"])
    client = await hub.connect(NS, hub.token(desk))
    view = LiveView(client, NS)
    await view.subscribe(doctor_id=d1["id"])
    await client.disconnect()

    await call(writer, NS, "update", {"id": kept["id"], "data": {"reason": "Otro"}})
    await call(writer, NS, "update", {"id": moved["id"], "data": {"doctor_id": d2["id"]}})
    added = (await call(writer, NS, "create", _appointment(d1, patient, start="2026-12-07T12:00:00")))["data"]
    await call(writer, NS, "create", _appointment(d2, patient, start="2026-12-07T12:00:00"))
    if keep_room_alive:
        await stays.wait_for(lambda v: added["id"] in v.items)

    again = LiveView(await hub.connect(NS, hub.token(desk)), NS)
    again.items, again.cursor = dict(view.items), view.cursor
    data = await again.subscribe(doctor_id=d1["id"], cursor=view.cursor)
    assert data["resumed"] is True
    assert [(c["type"], c["id"]) for c in data["changes"]] == [
        ("change", kept["id"]), ("remove", moved["id"]), ("add", added["id"])]
    fresh = {a["id"]: a for a in (await call(writer, NS, "list", {"doctor_id": d1["id"]}))["data"]}
    assert again.items == fresh
    if keep_room_alive:
        assert stays.items == fresh


async def test_resume_with_cursor_returns_exactly_the_missed_changes(hub):
    await _resume_after_missed_changes(hub, keep_room_alive=False)


async def test_resume_with_unknown_cursor_gives_fresh_snapshot(hub):
    desk, (d1, _), patient = await _clinic(hub)
    client = await hub.connect(NS, hub.token(desk))
    await call(client, NS, "create", _appointment(d1, patient))
    view = LiveView(client, NS)
    data = await view.subscribe(doctor_id=d1["id"], cursor="zz.99999")
    assert data["resumed"] is False and len(data["items"]) == 1


async def test_unsubscribe_stops_delivery(hub):
    desk, (d1, _), patient = await _clinic(hub)
    writer = await hub.connect(NS, hub.token(desk))
    client = await hub.connect(NS, hub.token(desk))
    view = LiveView(client, NS)
    await view.subscribe(doctor_id=d1["id"])
    ack = await call(client, NS, "unsubscribe", {"subscription": view.subscription})
    assert ack["ok"], ack
    await call(writer, NS, "create", _appointment(d1, patient))
    probe = LiveView(await hub.connect(NS, hub.token(desk)), NS)
    await probe.subscribe(doctor_id=d1["id"])  # proves the change was processed
    await asyncio.sleep(0.2)
    assert view.events == []
    bad = await call(client, NS, "unsubscribe", {"subscription": "nope"})
    assert bad["error"]["code"] == "invalid"


async def test_resume_into_a_settled_room_is_answered_from_the_pumps_memory(hub, monkeypatch):
    from hub.keys import registry_key
    from hub.realtime import registry as registry_module

    monkeypatch.setattr(registry_module, "SETTLE_SECONDS", 0.0)
    history, store_reads = hub.app[registry_key].history, []
    original = history.after
    monkeypatch.setattr(history, "after", lambda *a, **k: store_reads.append(a) or original(*a, **k))
    await _resume_after_missed_changes(hub, keep_room_alive=True)
    assert store_reads == []
