"""Clinic-local time (P11, P15): naive times read in the clinic zone, DST gaps and folds refused."""

from datetime import UTC, date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from hub.domain.clock import LocalTimeError, local_day_bounds, to_utc

MADRID = ZoneInfo("Europe/Madrid")


def test_to_utc_naive_winter_time_is_read_in_clinic_zone():
    assert to_utc(datetime(2026, 1, 15, 10, 0), MADRID) == datetime(2026, 1, 15, 9, 0, tzinfo=UTC)


def test_to_utc_naive_summer_time_is_read_in_clinic_zone():
    assert to_utc(datetime(2026, 7, 15, 10, 0), MADRID) == datetime(2026, 7, 15, 8, 0, tzinfo=UTC)


def test_to_utc_aware_value_keeps_its_instant():
    value = datetime(2026, 7, 15, 10, 0, tzinfo=timezone(timedelta(hours=-5)))
    result = to_utc(value, MADRID)
    assert result == datetime(2026, 7, 15, 15, 0, tzinfo=UTC)
    assert result.utcoffset() == timedelta(0)


def test_to_utc_spring_forward_gap_is_refused():
    with pytest.raises(LocalTimeError, match="does not exist"):
        to_utc(datetime(2026, 3, 29, 2, 30), MADRID)


def test_to_utc_fall_back_ambiguous_time_is_refused_without_offset():
    with pytest.raises(LocalTimeError, match="happens twice"):
        to_utc(datetime(2026, 10, 25, 2, 30), MADRID)


def test_to_utc_fall_back_time_with_explicit_offset_is_accepted():
    first = to_utc(datetime(2026, 10, 25, 2, 30, tzinfo=timezone(timedelta(hours=2))), MADRID)
    second = to_utc(datetime(2026, 10, 25, 2, 30, tzinfo=timezone(timedelta(hours=1))), MADRID)
    assert second - first == timedelta(hours=1)


def test_to_utc_edges_of_the_gap_are_accepted():
    assert to_utc(datetime(2026, 3, 29, 1, 59), MADRID) == datetime(2026, 3, 29, 0, 59, tzinfo=UTC)
    assert to_utc(datetime(2026, 3, 29, 3, 0), MADRID) == datetime(2026, 3, 29, 1, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    "day, hours",
    [(date(2026, 5, 4), 24), (date(2026, 3, 29), 23), (date(2026, 10, 25), 25)],
)
def test_local_day_bounds_cover_the_local_day_including_dst_days(day, hours):
    start, end = local_day_bounds(day, MADRID)
    assert end - start == timedelta(hours=hours)
    assert start.astimezone(MADRID).replace(tzinfo=None) == datetime.combine(day, datetime.min.time())
    assert start.tzinfo is not None


def test_local_day_bounds_in_utc_zone_are_midnight_to_midnight():
    start, end = local_day_bounds(date(2026, 5, 4), ZoneInfo("UTC"))
    assert (start, end) == (datetime(2026, 5, 4, tzinfo=UTC), datetime(2026, 5, 5, tzinfo=UTC))
