"""Clinic-local time: reading times without an offset in the clinic's zone, DST-aware (P11)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo


class LocalTimeError(ValueError):
    pass


def to_utc(value: datetime, tz: ZoneInfo) -> datetime:
    """An aware datetime is converted; a naive one is read as clinic-local time.

    A naive time that does not exist (spring-forward gap) or exists twice (fall-back)
    is refused: the client must send an explicit offset.
    """
    if value.tzinfo is not None and value.utcoffset() is not None:
        return value.astimezone(UTC)
    early, late = value.replace(tzinfo=tz, fold=0), value.replace(tzinfo=tz, fold=1)
    if early.utcoffset() != late.utcoffset():
        back = early.astimezone(UTC).astimezone(tz).replace(tzinfo=None)
        if back != value:
            raise LocalTimeError(f"{value:%Y-%m-%d %H:%M} does not exist in {tz.key} (daylight saving gap).")
        raise LocalTimeError(
            f"{value:%Y-%m-%d %H:%M} happens twice in {tz.key}; send it with an explicit UTC offset."
        )
    return early.astimezone(UTC)


def local_day_bounds(day: date, tz: ZoneInfo) -> tuple[datetime, datetime]:
    """[start, end) of a clinic-local calendar day, in UTC (23, 24 or 25 hours long)."""
    start = datetime.combine(day, time(0), tzinfo=tz).astimezone(UTC)
    end = datetime.combine(day + timedelta(days=1), time(0), tzinfo=tz).astimezone(UTC)
    return start, end


def utcnow() -> datetime:
    return datetime.now(UTC)
