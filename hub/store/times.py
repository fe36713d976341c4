"""The store's time precision, shared by every backend: aware datetimes, in UTC, to the
millisecond.

RethinkDB keeps times with millisecond precision, so every backend truncates (never
rounds up) to the millisecond on the way in. A value read back is then identical on
both backends: ``10:00:00.123456+02:00`` is stored and returned as ``08:00:00.123+00:00``.
Naive datetimes are refused with TypeError (P11, P12).
"""

from __future__ import annotations

import datetime as dt
from typing import Any


def store_datetime(value: Any) -> dt.datetime:
    if not isinstance(value, dt.datetime) or value.tzinfo is None or value.utcoffset() is None:
        raise TypeError(f"the store takes aware datetimes only, got {value!r}")
    value = value.astimezone(dt.UTC)
    return value.replace(microsecond=value.microsecond - value.microsecond % 1000)


def store_date(value: Any) -> str:
    """A plain date as ``YYYY-MM-DD``: no time, no zone, so no server can shift it."""
    if isinstance(value, dt.datetime) or not isinstance(value, dt.date):
        raise TypeError(f"expected a plain date, got {value!r}")
    return value.isoformat()
