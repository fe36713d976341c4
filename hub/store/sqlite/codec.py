"""Records to JSON text and back. Datetimes are stored as fixed-width UTC strings, so that
string order is time order and range filters work in SQL."""

from __future__ import annotations

import datetime as dt
from typing import Any

import orjson

from hub.store.tables import TableSpec
from hub.store.times import store_date, store_datetime

STAMP = "%Y-%m-%dT%H:%M:%S.%fZ"


def encode_datetime(value: dt.datetime) -> str:
    """Truncated to the millisecond like every backend (see ``hub.store.times``)."""
    return store_datetime(value).strftime(STAMP)


def encode_date(value: dt.date) -> str:
    return store_date(value)


def encode_value(spec: TableSpec, field: str, value: Any) -> Any:
    if value is None:
        return None
    if field in spec.datetimes:
        return encode_datetime(value)
    if field in spec.dates:
        return encode_date(value)
    if isinstance(value, dt.date):
        raise TypeError(f"field {field!r} of {spec.name} is not declared as a date/datetime")
    return value


def encode(spec: TableSpec, record: dict[str, Any]) -> str:
    return orjson.dumps({k: encode_value(spec, k, v) for k, v in record.items()}).decode()


def decode(spec: TableSpec, text: str | bytes) -> dict[str, Any]:
    record = orjson.loads(text)
    for field in spec.datetimes:
        if record.get(field) is not None:
            record[field] = dt.datetime.fromisoformat(record[field])  # STAMP's "Z": UTC; 60x strptime
    for field in spec.dates:
        if record.get(field) is not None:
            record[field] = dt.date.fromisoformat(record[field])
    return record
