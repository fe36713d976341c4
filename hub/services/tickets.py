"""Ticket numbers, unique per clinic day and prefix, assigned atomically by the store.

A counter is one record (``counters`` table) updated with an expected version: of two
concurrent check-ins, one write wins and the other re-reads and takes the next number.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import random

from hub.errors import Conflict, NotFound, Unavailable
from hub.store.base import Store

ATTEMPTS = 200


async def next_number(store: Store, key: str) -> int:
    for _ in range(ATTEMPTS):
        try:
            counter = await store.get("counters", key)
        except NotFound:
            try:
                await store.insert("counters", {"id": key, "n": 1})
                return 1
            except Conflict:
                continue
        try:
            await store.update("counters", key, {"n": counter["n"] + 1}, expected_version=counter["version"])
            return counter["n"] + 1
        except Conflict:
            await asyncio.sleep(random.uniform(0, 0.005))
    raise Unavailable("Could not assign a ticket number; try again.")


async def next_ticket(store: Store, day: dt.date, prefix: str) -> str:
    number = await next_number(store, f"ticket:{day.isoformat()}:{prefix}")
    return f"{prefix}-{number:03d}"
