"""Records to ReQL values and back (P12).

- Aware datetimes (``spec.datetimes``) become native RethinkDB times in UTC, truncated to
  the millisecond (``hub.store.times``). They are read back with ``time_format="raw"`` and
  rebuilt from whole milliseconds, so a value round-trips exactly; the driver's own
  conversion goes through float seconds and may be off by a microsecond.
- Plain dates (``spec.dates``) are stored as ``"YYYY-MM-DD"`` strings: no time and no zone,
  so neither the server's nor the client's time zone can move a birth date. String order
  is date order, so ranges still work.
- Naive datetimes, and dates in fields not declared as such, are refused with TypeError,
  exactly like the SQLite codec.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from hub.store.tables import TableSpec
from hub.store.times import store_date, store_datetime

EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
TIME_TYPE = "TIME"


def encode_value(spec: TableSpec, field: str, value: Any) -> Any:
    if value is None:
        return None
    if field in spec.datetimes:
        return store_datetime(value)  # the driver sends it as an ISO 8601 time term
    if field in spec.dates:
        return store_date(value)
    if isinstance(value, dt.date):
        raise TypeError(f"field {field!r} of {spec.name} is not declared as a date/datetime")
    return value


def encode(spec: TableSpec, record: dict[str, Any]) -> dict[str, Any]:
    return {field: encode_value(spec, field, value) for field, value in record.items()}


def decode_time(value: dict[str, Any]) -> dt.datetime:
    millis = round(float(value["epoch_time"]) * 1000)
    return EPOCH + dt.timedelta(milliseconds=millis)


def is_time(value: Any) -> bool:
    return isinstance(value, dict) and value.get("$reql_type$") == TIME_TYPE


def decode(spec: TableSpec, doc: dict[str, Any] | None) -> dict[str, Any] | None:
    if doc is None:
        return None
    record = {field: decode_time(value) if is_time(value) else value for field, value in doc.items()}
    for field in spec.dates:
        if isinstance(record.get(field), str):
            record[field] = dt.date.fromisoformat(record[field])
    return record


def decode_all(spec: TableSpec, docs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [decode(spec, doc) or {} for doc in docs]
