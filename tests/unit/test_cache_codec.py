"""The cache codec: exact round-trips of declared datetimes and dates, refusals, stable keys."""

import datetime as dt

import pytest

from hub.store.cache import codec
from hub.store.query import Query, Range
from hub.store.tables import spec_for

APPOINTMENT = {
    "id": "a1",
    "version": 3,
    "start": dt.datetime(2026, 3, 29, 0, 30, 0, 123000, tzinfo=dt.UTC),
    "end": dt.datetime(2026, 3, 29, 1, 0, tzinfo=dt.UTC),
    "created_at": dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
    "updated_at": None,
    "notes": ["a", {"b": 1}],
}


@pytest.mark.parametrize("value", [APPOINTMENT, [APPOINTMENT, APPOINTMENT], None, 7, []])
def test_cache_codec_round_trips_records_lists_none_and_counts_exactly(value):
    spec = spec_for("appointments")
    back = codec.load(spec, codec.dump(spec, value))
    assert back == value
    if isinstance(value, dict):
        assert back["start"].tzinfo is dt.UTC and back["start"].microsecond == 123000


def test_cache_codec_keeps_plain_dates_plain():
    spec = spec_for("patients")
    record = {"id": "p1", "birth_date": dt.date(1990, 1, 31), "created_at": dt.datetime(2026, 1, 1, tzinfo=dt.UTC)}
    back = codec.load(spec, codec.dump(spec, record))
    assert back == record and type(back["birth_date"]) is dt.date


@pytest.mark.parametrize(
    "record",
    [
        {"id": "x", "when": dt.datetime(2026, 1, 1, tzinfo=dt.UTC)},  # not declared: would come back a string
        {"id": "x", "start": dt.datetime(2026, 1, 1)},  # naive
        {"id": "x", "blob": b"bytes"},
    ],
)
def test_cache_codec_refuses_values_it_cannot_round_trip(record):
    with pytest.raises(TypeError):
        codec.dump(spec_for("appointments"), record)


def test_cache_digest_is_stable_and_tells_types_apart():
    when = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    assert codec.digest({"a": 1, "b": 2}) == codec.digest({"b": 2, "a": 1})
    assert codec.digest({"start": when}) != codec.digest({"start": when.isoformat()})
    assert codec.digest(dt.date(2026, 1, 1)) != codec.digest("2026-01-01")
    first = Query(equals={"doctor_id": "d"}, ranges=(Range("start", gte=when),), limit=5)
    same = Query(equals={"doctor_id": "d"}, ranges=(Range("start", gte=when),), limit=5)
    assert codec.digest(first) == codec.digest(same) != codec.digest(Query(equals={"doctor_id": "d"}))
    with pytest.raises(TypeError):
        codec.digest(object())
