"""Records to JSON text and back. Datetimes are stored as fixed-width UTC strings, so that
string order is time order and range filters work in SQL."""

from __future__ import annotations

import datetime as dt
from typing import Any

import orjson

from hub.store.tables import TableSpec

STAMP = "%Y-%m-%dT%H:%M:%S.%fZ"


def encode_datetime(value: dt.datetime) -> str:
    if not isinstance(value, dt.datetime) or value.tzinfo is None or value.utcoffset() is None:
        raise TypeError(f"the store takes aware datetimes only, got {value!r}")
    return value.astimezone(dt.UTC).strftime(STAMP)


def encode_date(value: dt.date) -> str:
    if isinstance(value, dt.datetime) or not isinstance(value, dt.date):
        raise TypeError(f"expected a plain date, got {value!r}")
    return value.isoformat()


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
            record[field] = dt.datetime.strptime(record[field], STAMP).replace(tzinfo=dt.UTC)
    for field in spec.dates:
        if record.get(field) is not None:
            record[field] = dt.date.fromisoformat(record[field])
    return record
