"""Doctors' hours in clinic-local time, turned into absolute (UTC) shifts and slots.

A day's ranges are its date exception if there is one, else its weekday's ranges. A range
whose end is not after its start crosses midnight, so the slots of a day include those of
the previous day's overnight shift that start after midnight (P15). Shifts are measured in
real time, so a shift on a daylight-saving day is an hour shorter or longer.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any
from zoneinfo import ZoneInfo

from hub.domain.doctors import WEEKDAYS

CELL = dt.timedelta(minutes=5)  # the booking grid: capacity is counted per 5-minute cell
Interval = tuple[dt.datetime, dt.datetime]


def _instant(day: dt.date, hhmm: str, tz: ZoneInfo) -> dt.datetime:
    """Local wall time to UTC; a time in a DST gap lands after the gap."""
    local = dt.datetime.combine(day, dt.time.fromisoformat(hhmm), tzinfo=tz)
    return local.astimezone(dt.UTC)


def ranges_on(schedule: dict[str, Any], day: dt.date) -> list[list[str]]:
    for exception in schedule.get("exceptions", []):
        if exception["date"] == day.isoformat():
            return exception.get("ranges", [])
    return schedule.get("weekly", {}).get(WEEKDAYS[day.weekday()], [])


def shifts_starting_on(schedule: dict[str, Any], day: dt.date, tz: ZoneInfo) -> list[Interval]:
    shifts = []
    for begin, end in ranges_on(schedule, day):
        end_day = day if end > begin else day + dt.timedelta(days=1)
        shifts.append((_instant(day, begin, tz), _instant(end_day, end, tz)))
    return shifts


def shifts_touching(schedule: dict[str, Any], day: dt.date, tz: ZoneInfo) -> list[Interval]:
    """Shifts starting on ``day`` or the day before (which may run past midnight)."""
    before = shifts_starting_on(schedule, day - dt.timedelta(days=1), tz)
    return sorted(before + shifts_starting_on(schedule, day, tz))


def local_date(instant: dt.datetime, tz: ZoneInfo) -> dt.date:
    return instant.astimezone(tz).date()


def slots(doctor: dict[str, Any], day: dt.date, tz: ZoneInfo) -> list[Interval]:
    """Every slot of ``slot_minutes`` that starts on the clinic-local ``day``."""
    length = dt.timedelta(minutes=doctor.get("slot_minutes", 15))
    found = []
    for begin, end in shifts_touching(doctor.get("schedule", {}), day, tz):
        start = begin
        while start + length <= end:
            if local_date(start, tz) == day:
                found.append((start, start + length))
            start += length
    return sorted(set(found))


def within_hours(doctor: dict[str, Any], start: dt.datetime, end: dt.datetime, tz: ZoneInfo) -> bool:
    shifts = shifts_touching(doctor.get("schedule", {}), local_date(start, tz), tz)
    return any(begin <= start and end <= stop for begin, stop in shifts)


def on_grid(start: dt.datetime, minutes: int) -> bool:
    return start.second == 0 and start.microsecond == 0 and start.minute % 5 == 0 and minutes % 5 == 0


def cells(start: dt.datetime, end: dt.datetime) -> list[dt.datetime]:
    found, cell = [], start
    while cell < end:
        found.append(cell)
        cell += CELL
    return found


def free_slots(doctor: dict[str, Any], day: dt.date, tz: ZoneInfo, busy: Iterable[Interval]) -> list[Interval]:
    """Slots where every 5-minute cell still has room under the doctor's capacity."""
    capacity = doctor.get("capacity", 1)
    load: dict[dt.datetime, int] = {}
    for begin, end in busy:
        for cell in cells(begin, end):
            load[cell] = load.get(cell, 0) + 1
    return [(s, e) for s, e in slots(doctor, day, tz) if all(load.get(c, 0) < capacity for c in cells(s, e))]
