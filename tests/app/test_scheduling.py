"""Booking rules, the lifecycle, tickets, call_next and the waiting-room queue on a running hub."""

from __future__ import annotations

import asyncio
import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from hub.auth.permissions import Principal
from tests.app.live_helpers import LiveView
from tests.conftest import call, doctor_data, patient_data

NS = "/appointments"
MADRID = ZoneInfo("Europe/Madrid")
ADMIN = Principal(user_id="setup", role="admin")
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def today_at(hour: int, minute: int = 0) -> str:
    return dt.datetime.combine(dt.datetime.now(MADRID).date(), dt.time(hour, minute)).isoformat()


async def clinic(hub, *, capacity=1, ranges=(("08:00", "20:00"),), slot=20):
    schedule = {"weekly": {d: [list(r) for r in ranges] for d in DAYS}, "exceptions": []}
    doctor = await hub.services.doctors.create(ADMIN, doctor_data(capacity=capacity, slot_minutes=slot, schedule=schedule))
    patients = [await hub.services.patients.create(ADMIN, patient_data(national_id=_dni(n), last_name=f"P{n}"))
                for n in range(3)]
    desk = await hub.user("reception")
    doc_user = await hub.user("doctor", doctor_id=doctor["id"])
    return doctor, patients, desk, doc_user


def _dni(n: int) -> str:
    number = 10_000_000 + n
    return f"{number}{'TRWAGMYFPDXBNJZSQVHLCKE'[number % 23]}"


def booking(doctor, patient, start, **extra):
    return {"doctor_id": doctor["id"], "patient_id": patient["id"], "start": start, "reason": "Revisión", **extra}


async def test_availability_lists_free_slots_and_shrinks_after_a_booking(hub):
    doctor, (p, *_), desk, _ = await clinic(hub, ranges=(("09:00", "10:00"),))
    client = await hub.connect(NS, hub.token(desk))
    day = dt.datetime.now(MADRID).date().isoformat()
    ack = await call(client, NS, "availability", {"doctor_id": doctor["id"], "date": day})
    assert [s["start"][11:16] for s in ack["data"]] == [
        dt.datetime.combine(dt.date.fromisoformat(day), dt.time(h, m), MADRID).astimezone(dt.UTC).strftime("%H:%M")
        for h, m in ((9, 0), (9, 20), (9, 40))]
    assert (await call(client, NS, "create", booking(doctor, p, today_at(9, 20))))["ok"]
    after = await call(client, NS, "availability", {"doctor_id": doctor["id"], "date": day})
    assert len(after["data"]) == 2
    rest = await hub.http.get(f"{hub.url}/doctors/{doctor['id']}/availability?date={day}", headers=await hub.headers(desk))
    assert rest.status == 200 and await rest.json() == after["data"]


async def test_booking_outside_hours_is_refused_and_reception_may_force_it(hub):
    doctor, (p, *_), desk, doc_user = await clinic(hub, ranges=(("09:00", "10:00"),))
    desk_client = await hub.connect(NS, hub.token(desk))
    refused = await call(desk_client, NS, "create", booking(doctor, p, today_at(12)))
    assert refused["error"]["code"] == "outside_hours"
    forced = await call(desk_client, NS, "create", booking(doctor, p, today_at(12), force=True))
    assert forced["ok"] and forced["data"]["forced"] is True
    doctor_client = await hub.connect(NS, hub.token(doc_user))
    denied = await call(doctor_client, NS, "create", booking(doctor, p, today_at(13), force=True))
    assert denied["error"]["code"] == "forbidden"


async def test_second_booking_in_a_full_slot_is_refused_and_cancel_frees_it(hub):
    doctor, (p1, p2, _), desk, _ = await clinic(hub)
    client = await hub.connect(NS, hub.token(desk))
    first = (await call(client, NS, "create", booking(doctor, p1, today_at(10))))["data"]
    overlapping = await call(client, NS, "create", booking(doctor, p2, today_at(10, 10)))
    assert overlapping["error"]["code"] == "slot_full"
    assert (await call(client, NS, "cancel", {"id": first["id"], "reason": "Viaje"}))["data"]["status"] == "cancelled"
    assert (await call(client, NS, "create", booking(doctor, p2, today_at(10, 10))))["ok"]


async def test_reschedule_moves_capacity_atomically(hub):
    doctor, (p1, p2, _), desk, _ = await clinic(hub)
    client = await hub.connect(NS, hub.token(desk))
    a = (await call(client, NS, "create", booking(doctor, p1, today_at(10))))["data"]
    b = (await call(client, NS, "create", booking(doctor, p2, today_at(11))))["data"]
    clash = await call(client, NS, "update", {"id": a["id"], "data": {"start": today_at(11)}})
    assert clash["error"]["code"] == "slot_full"
    moved = await call(client, NS, "update", {"id": a["id"], "data": {"start": today_at(12)}})
    assert moved["ok"], moved
    assert (await call(client, NS, "create", booking(doctor, p2, today_at(10))))["ok"]  # old time freed
    assert (await call(client, NS, "update", {"id": b["id"], "data": {"duration_minutes": 40}}))["ok"]


async def test_fifty_concurrent_overlapping_bookings_never_exceed_capacity(hub):
    doctor, patients, desk, _ = await clinic(hub, capacity=2)
    clients = [await hub.connect(NS, hub.token(desk)) for _ in range(5)]
    starts = [today_at(10, 5 * (n % 4)) for n in range(50)]
    acks = await asyncio.gather(*(call(clients[n % 5], NS, "create", booking(doctor, patients[n % 3], starts[n]))
                                  for n in range(50)))
    assert {a["error"]["code"] for a in acks if not a["ok"]} <= {"slot_full"}
    listed = (await call(clients[0], NS, "list", {"doctor_id": doctor["id"], "limit": 200}))["data"]
    assert_capacity(listed, 2)
    assert sum(a["ok"] for a in acks) == len(listed) >= 2


def assert_capacity(appointments, capacity):
    load: dict[str, int] = {}
    for a in appointments:
        if a["status"] in ("cancelled", "no_show", "completed") or a.get("forced"):
            continue
        cell = dt.datetime.fromisoformat(a["start"])
        while cell < dt.datetime.fromisoformat(a["end"]):
            load[cell.isoformat()] = load.get(cell.isoformat(), 0) + 1
            cell += dt.timedelta(minutes=5)
    assert max(load.values(), default=0) <= capacity, load


async def test_lifecycle_events_follow_the_state_machine_and_record_who_and_when(hub):
    doctor, (p, *_), desk, doc_user = await clinic(hub)
    desk_c, doc_c = await hub.connect(NS, hub.token(desk)), await hub.connect(NS, hub.token(doc_user))
    a = (await call(desk_c, NS, "create", booking(doctor, p, today_at(10))))["data"]
    assert (await call(doc_c, NS, "start", {"id": a["id"]}))["error"] == {
        "code": "invalid_transition", "message": "An appointment that is scheduled cannot become in_progress.",
        "current": "scheduled"}
    assert (await call(doc_c, NS, "check_in", {"id": a["id"]}))["error"]["code"] == "forbidden"
    checked = (await call(desk_c, NS, "check_in", {"id": a["id"]}))["data"]
    assert checked["status"] == "checked_in" and checked["ticket"] == "A-001" and checked["room"] == "Consulta 3"
    called = (await call(doc_c, NS, "call_next", {"doctor_id": doctor["id"]}))["data"]
    assert called["id"] == a["id"] and called["status"] == "called" and called["called_at"]
    recalled = (await call(doc_c, NS, "recall", {"id": a["id"]}))["data"]
    assert recalled["recalls"] == 1
    assert (await call(doc_c, NS, "start", {"id": a["id"]}))["data"]["status"] == "in_progress"
    done = (await call(doc_c, NS, "complete", {"id": a["id"]}))["data"]
    assert [t["status"] for t in done["transitions"]] == ["checked_in", "called", "recalled", "in_progress", "completed"]
    assert {t["by"] for t in done["transitions"]} == {desk["id"], doc_user["id"]}
    assert (await call(desk_c, NS, "cancel", {"id": a["id"]}))["error"]["current"] == "completed"
    assert (await call(desk_c, NS, "update", {"id": a["id"], "data": {"status": "scheduled"}}))["error"]["code"] == "invalid"


async def test_check_in_on_another_day_is_refused_and_takes_no_ticket(hub):
    doctor, (p, *_), desk, _ = await clinic(hub)
    desk_c = await hub.connect(NS, hub.token(desk))
    tomorrow = (dt.datetime.now(MADRID) + dt.timedelta(days=1)).date()
    later = dt.datetime.combine(tomorrow, dt.time(10, 0)).isoformat()
    a = (await call(desk_c, NS, "create", booking(doctor, p, later)))["data"]
    error = (await call(desk_c, NS, "check_in", {"id": a["id"]}))["error"]
    assert error == {"code": "invalid_transition", "current": "scheduled", "day": tomorrow.isoformat(),
                     "message": f"Check-in is only possible on the appointment's day ({tomorrow.isoformat()})."}
    stored = (await call(desk_c, NS, "get", {"id": a["id"]}))["data"]
    assert stored["status"] == "scheduled" and stored["version"] == a["version"] and not stored.get("ticket")
    today = (await call(desk_c, NS, "create", booking(doctor, p, today_at(10))))["data"]
    assert (await call(desk_c, NS, "check_in", {"id": today["id"]}))["data"]["ticket"] == "A-001"  # no number used up


async def test_rest_lifecycle_routes_answer_like_the_socket_events(hub):
    doctor, (p, *_), desk, _ = await clinic(hub)
    headers = await hub.headers(desk)
    created = await (await hub.http.post(f"{hub.url}/appointments", json=booking(doctor, p, today_at(10)), headers=headers)).json()
    resp = await hub.http.post(f"{hub.url}/appointments/{created['id']}/check_in", headers=headers)
    assert resp.status == 200 and (await resp.json())["ticket"] == "A-001"
    resp = await hub.http.post(f"{hub.url}/appointments/call_next", json={"doctor_id": doctor["id"]}, headers=headers)
    assert resp.status == 200 and (await resp.json())["status"] == "called"
    resp = await hub.http.post(f"{hub.url}/appointments/{created['id']}/no_show", headers=headers)
    assert resp.status == 409 and (await resp.json())["error"]["current"] == "called"


async def test_concurrent_check_ins_get_unique_tickets_and_concurrent_calls_never_share_a_patient(hub):
    doctor, patients, desk, _ = await clinic(hub, capacity=20)
    clients = [await hub.connect(NS, hub.token(desk)) for _ in range(4)]
    made = [(await call(clients[0], NS, "create", booking(doctor, patients[n % 3], today_at(9, 5 * (n % 12)))))["data"]
            for n in range(20)]
    checked = await asyncio.gather(*(call(clients[n % 4], NS, "check_in", {"id": a["id"]}) for n, a in enumerate(made)))
    tickets = [c["data"]["ticket"] for c in checked]
    assert len(set(tickets)) == 20 and sorted(tickets) == [f"A-{n:03d}" for n in range(1, 21)]
    calls = await asyncio.gather(*(call(clients[n % 4], NS, "call_next", {"doctor_id": doctor["id"]}) for n in range(20)))
    called = [c["data"]["id"] for c in calls if c["ok"]]
    assert len(called) == len(set(called)) == 20
    expected = sorted(made, key=lambda a: a["start"])
    assert sorted(called, key=[a["id"] for a in expected].index) == [a["id"] for a in expected]
    extra = await call(clients[0], NS, "call_next", {"doctor_id": doctor["id"]})
    assert extra["error"]["code"] == "not_found"


PATIENT_KEYS = ("national_id", "first_name", "last_name", "birth_date", "phone", "reason", "notes", "patient_id",
                "medical_history", "address", "email")


async def test_display_sees_the_queue_and_calls_but_never_patient_data(hub):
    doctor, (p, *_), desk, doc_user = await clinic(hub)
    display = await hub.user("display")
    frames: list = []
    screen = await hub.connect("/queue", hub.token(display))
    screen.on("*", lambda event, data: frames.append((event, data)), namespace="/queue")
    view = LiveView(screen, "/queue")
    first = await view.subscribe(doctor_ids=[doctor["id"]])
    frames.append(("ack", first))
    desk_c, doc_c = await hub.connect(NS, hub.token(desk)), await hub.connect(NS, hub.token(doc_user))
    a = (await call(desk_c, NS, "create", booking(doctor, p, today_at(10), notes="Secreto")))["data"]
    await call(desk_c, NS, "check_in", {"id": a["id"]})
    await view.wait_for(lambda v: a["id"] in v.items)
    await call(doc_c, NS, "call_next", {"doctor_id": doctor["id"]})
    await view.wait_for(lambda v: v.items[a["id"]]["status"] == "called")
    await call(doc_c, NS, "recall", {"id": a["id"]})
    await view.wait_for(lambda v: v.items[a["id"]]["recalls"] == 1)
    await call(doc_c, NS, "start", {"id": a["id"]})
    await call(doc_c, NS, "complete", {"id": a["id"]})
    await view.wait_for(lambda v: a["id"] not in v.items)
    item_keys = {k for e in view.events if e["data"] for k in e["data"]}
    assert item_keys == {"id", "ticket", "room", "doctor", "status", "called_at", "recalls"}
    text = repr(frames)
    for secret in (p["first_name"], p["last_name"], p["national_id"], "Revisión", "Secreto", p["id"], *PATIENT_KEYS):
        assert secret not in text
    display_on_patients = await hub.http.get(f"{hub.url}/patients", headers=await hub.headers(display))
    assert display_on_patients.status == 403


@pytest.mark.parametrize("namespace", ["/patients", "/doctors", "/appointments"])
async def test_display_token_cannot_open_staff_namespaces(hub, namespace):
    import socketio

    display = await hub.user("display")
    with pytest.raises(socketio.exceptions.ConnectionError):
        await hub.connect(namespace, hub.token(display))
