"""Doctors' hours, slots and capacity in clinic-local time, across midnight and DST (P15)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from hub.domain import lifecycle
from hub.domain.schedule import free_slots, slots, within_hours
from hub.errors import InvalidTransition

MADRID, SANTIAGO = ZoneInfo("Europe/Madrid"), ZoneInfo("America/Santiago")
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def doctor(ranges, slot=60, capacity=1, exceptions=()):
    return {"slot_minutes": slot, "capacity": capacity,
            "schedule": {"weekly": {d: ranges for d in DAYS}, "exceptions": list(exceptions)}}


def local(tz, *args):
    return dt.datetime(*args, tzinfo=tz)


def hours(found, tz):
    return [s.astimezone(tz).strftime("%H:%M") for s, _ in found]


def test_slots_on_spring_forward_day_in_madrid_skip_the_missing_hour():
    found = slots(doctor([["00:00", "06:00"]]), dt.date(2026, 3, 29), MADRID)
    assert hours(found, MADRID) == ["00:00", "01:00", "03:00", "04:00", "05:00"]


def test_slots_on_fall_back_day_in_madrid_include_the_repeated_hour_twice():
    found = slots(doctor([["00:00", "06:00"]]), dt.date(2026, 10, 25), MADRID)
    assert hours(found, MADRID) == ["00:00", "01:00", "02:00", "02:00", "03:00", "04:00", "05:00"]
    assert len(set(found)) == 7


def test_slots_on_santiago_transition_days_follow_real_time():
    # Chile: clocks go back at 24:00 on 2026-04-04 and forward at 24:00 on 2026-09-05.
    # Every night 22:00-02:00: a day holds the tail of the previous night and its own evening.
    back = slots(doctor([["22:00", "02:00"]]), dt.date(2026, 4, 4), SANTIAGO)
    assert hours(back, SANTIAGO) == ["00:00", "01:00", "22:00", "23:00", "23:00"]
    forward = slots(doctor([["22:00", "02:00"]]), dt.date(2026, 9, 6), SANTIAGO)
    assert hours(forward, SANTIAGO) == ["01:00", "22:00", "23:00"]  # that night lost its 00:00 hour


def test_overnight_shift_slots_appear_on_both_days():
    doc = {"slot_minutes": 60, "capacity": 1, "schedule": {"weekly": {"fri": [["22:00", "06:00"]]}, "exceptions": []}}
    assert hours(slots(doc, dt.date(2026, 12, 4), MADRID), MADRID) == ["22:00", "23:00"]
    assert hours(slots(doc, dt.date(2026, 12, 5), MADRID), MADRID) == ["00:00", "01:00", "02:00", "03:00", "04:00", "05:00"]


def test_appointment_across_midnight_is_within_an_overnight_shift():
    doc = doctor([["22:00", "06:00"]], slot=30)
    assert within_hours(doc, local(MADRID, 2026, 12, 4, 23, 45), local(MADRID, 2026, 12, 5, 0, 15), MADRID)
    assert not within_hours(doc, local(MADRID, 2026, 12, 5, 5, 45), local(MADRID, 2026, 12, 5, 6, 15), MADRID)


def test_exception_replaces_the_weekday_ranges():
    doc = doctor([["09:00", "11:00"]], exceptions=[{"date": "2026-12-24", "ranges": []},
                                                   {"date": "2026-12-26", "ranges": [["16:00", "17:00"]]}])
    assert slots(doc, dt.date(2026, 12, 24), MADRID) == []
    assert hours(slots(doc, dt.date(2026, 12, 26), MADRID), MADRID) == ["16:00"]


def test_free_slots_respect_capacity_per_cell():
    doc = doctor([["09:00", "11:00"]], slot=30, capacity=2)
    busy = [(local(MADRID, 2026, 12, 7, 9, 0), local(MADRID, 2026, 12, 7, 9, 30))] * 2
    busy.append((local(MADRID, 2026, 12, 7, 10, 15), local(MADRID, 2026, 12, 7, 10, 20)))
    assert hours(free_slots(doc, dt.date(2026, 12, 7), MADRID, busy), MADRID) == ["09:30", "10:00", "10:30"]


VALID = [("scheduled", "checked_in"), ("scheduled", "cancelled"), ("scheduled", "no_show"),
         ("checked_in", "called"), ("checked_in", "cancelled"), ("checked_in", "no_show"),
         ("called", "in_progress"), ("in_progress", "completed")]
STATES = list(lifecycle.ALLOWED)


@pytest.mark.parametrize(("current", "target"), [(c, t) for c in STATES for t in STATES])
def test_transition_is_allowed_exactly_when_listed(current, target):
    if (current, target) in VALID:
        lifecycle.check(current, target)
    else:
        with pytest.raises(InvalidTransition) as caught:
            lifecycle.check(current, target)
        assert caught.value.to_payload()["current"] == current
