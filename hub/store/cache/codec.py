"""Cached values to bytes and back, and the digest of a read's arguments.

Records keep their types exactly: the fields a table declares as datetimes or dates (see
``hub.store.tables``) are written as ISO 8601 and parsed back to aware datetimes and plain
dates. Any other date-like or unknown value raises ``TypeError``, and the caller then
skips the cache for that read rather than return a changed type.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
from typing import Any

import orjson

from hub.store.tables import TableSpec

_STRICT = orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_DATACLASS


def _refuse(value: Any) -> Any:
    raise TypeError(f"not cacheable: {type(value).__name__}")


def _encode_record(spec: TableSpec, record: dict[str, Any]) -> dict[str, Any]:
    out = dict(record)
    for field in (*spec.datetimes, *spec.dates):
        value = out.get(field)
        if value is not None:
            if field in spec.datetimes and not (isinstance(value, dt.datetime) and value.tzinfo is not None):
                raise TypeError(f"{spec.name}.{field} is not an aware datetime")
            out[field] = value.isoformat()
    return out


def _decode_record(spec: TableSpec, record: dict[str, Any]) -> dict[str, Any]:
    for field in spec.datetimes:
        if record.get(field) is not None:
            record[field] = dt.datetime.fromisoformat(record[field])
    for field in spec.dates:
        if record.get(field) is not None:
            record[field] = dt.date.fromisoformat(record[field])
    return record


def dump(spec: TableSpec, value: Any) -> bytes:
    """A record, a list of records, None or a count."""
    if isinstance(value, dict):
        value = _encode_record(spec, value)
    elif isinstance(value, list):
        value = [_encode_record(spec, record) for record in value]
    return orjson.dumps(value, option=_STRICT, default=_refuse)


def load(spec: TableSpec, data: bytes) -> Any:
    value = orjson.loads(data)
    if isinstance(value, dict):
        return _decode_record(spec, value)
    if isinstance(value, list):
        return [_decode_record(spec, record) for record in value]
    return value


def _canonical(value: Any) -> Any:
    """Tagged so that a datetime and a string with the same text never share a key."""
    if isinstance(value, dt.datetime):
        return {"$datetime": value.isoformat()}
    if isinstance(value, dt.date):
        return {"$date": value.isoformat()}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {"$" + type(value).__name__: {f.name: getattr(value, f.name) for f in dataclasses.fields(value)}}
    raise TypeError(f"not a cache key part: {type(value).__name__}")


def digest(*parts: Any) -> str:
    """A stable digest of a read's arguments (dict keys sorted)."""
    data = orjson.dumps(parts, option=_STRICT | orjson.OPT_SORT_KEYS, default=_canonical)
    return hashlib.blake2b(data, digest_size=16).hexdigest()
