"""Datetimes and dates round-trip exactly (P11, P12); naive datetimes are refused."""

from __future__ import annotations

import datetime as dt

import pytest

from hub.store.base import Store
from hub.store.query import Query, Range
from tests.contract.records import appointment, patient

pytestmark = pytest.mark.timeout(60)

KOLKATA = dt.timezone(dt.timedelta(hours=5, minutes=30))


async def test_birth_date_reads_back_as_the_same_plain_date(store: Store) -> None:
    saved = await store.insert("patients", patient(birth_date=dt.date(1990, 1, 31)))
    assert saved["birth_date"] == dt.date(1990, 1, 31) and type(saved["birth_date"]) is dt.date
    again = await store.get("patients", saved["id"])
    assert again["birth_date"] == dt.date(1990, 1, 31) and type(again["birth_date"]) is dt.date
    listed = await store.list("patients", Query(equals={"birth_date": dt.date(1990, 1, 31)}))
    assert [record["id"] for record in listed] == [saved["id"]]


@pytest.mark.parametrize(
    "day", [dt.date(1, 1, 1), dt.date(1899, 12, 31), dt.date(1970, 1, 1), dt.date(2000, 2, 29), dt.date(9999, 12, 31)]
)
async def test_extreme_dates_round_trip(store: Store, day: dt.date) -> None:
    saved = await store.insert("patients", patient(birth_date=day))
    assert (await store.get("patients", saved["id"]))["birth_date"] == day


async def test_aware_datetimes_round_trip_as_utc_truncated_to_the_millisecond(store: Store) -> None:
    start = dt.datetime(2030, 3, 4, 23, 45, 12, 123987, tzinfo=KOLKATA)
    saved = await store.insert("appointments", appointment("d", "p", start))
    expected = dt.datetime(2030, 3, 4, 18, 15, 12, 123000, tzinfo=dt.UTC)
    assert saved["start"] == expected and saved["start"].utcoffset() == dt.timedelta(0)
    assert (await store.get("appointments", saved["id"]))["start"] == expected
    assert saved["start"].microsecond == 123000
    moved = await store.update("appointments", saved["id"], {"start": expected + dt.timedelta(microseconds=999)})
    assert moved["start"] == expected


@pytest.mark.parametrize("millis", [0, 1, 7, 499, 500, 999])
async def test_every_millisecond_value_round_trips_exactly(store: Store, millis: int) -> None:
    start = dt.datetime(2030, 3, 4, 9, 0, 59, millis * 1000, tzinfo=dt.UTC)
    saved = await store.insert("appointments", appointment("d", "p", start))
    assert (await store.get("appointments", saved["id"]))["start"] == start
    assert [r["id"] for r in await store.list("appointments", Query(equals={"start": start}))] == [saved["id"]]


async def test_timestamps_written_by_the_store_are_millisecond_exact(store: Store) -> None:
    saved = await store.insert("patients", patient())
    assert saved["created_at"].microsecond % 1000 == 0
    updated = await store.update("patients", saved["id"], {"phone": "1"})
    assert updated["updated_at"].microsecond % 1000 == 0
    assert await store.get("patients", saved["id"]) == updated


async def test_naive_datetime_is_refused_and_nothing_is_written(store: Store) -> None:
    naive = dt.datetime(2030, 3, 4, 9, 0)
    with pytest.raises(TypeError):
        await store.insert("appointments", appointment("d", "p", naive))
    assert await store.count("appointments", {}) == 0
    saved = await store.insert("appointments", appointment("d", "p", naive.replace(tzinfo=dt.UTC)))
    with pytest.raises(TypeError):
        await store.update("appointments", saved["id"], {"end": naive})
    assert (await store.get("appointments", saved["id"]))["version"] == 1
    with pytest.raises(TypeError):
        await store.list("appointments", Query(ranges=(Range("start", lt=naive),)))


async def test_dates_and_datetimes_in_the_wrong_fields_are_refused(store: Store) -> None:
    with pytest.raises(TypeError):
        await store.insert("patients", patient(birth_date=dt.datetime(1990, 1, 31, tzinfo=dt.UTC)))
    with pytest.raises(TypeError):
        await store.insert("patients", patient(seen_on=dt.date(2030, 1, 1)))
    assert await store.count("patients", {}) == 0
