"""Capacity enforced by the store, atomically, on every backend and across instances.

Each 5-minute cell of a doctor's time has ``capacity`` seats. A booking claims one seat in
every cell it covers by inserting a claim record whose id is deterministic,
``"<doctor>:<cell>:<seat>"``: the store refuses a second insert of the same id (a primary
key on SQLite, ``conflict="error"`` on RethinkDB), so two bookings can never hold the same
seat, whatever the interleaving. A booking that cannot get a seat in some cell gives back
the seats it took and is refused with ``slot_full``. The claim ids are kept on the
appointment (``_claims``), and released when it is cancelled, marked no-show, moved or
deleted. Overbooking (``force``) takes no seats.
"""

from __future__ import annotations

import datetime as dt

from hub.domain.schedule import cells
from hub.errors import Conflict, NotFound
from hub.store.base import Store

TABLE = "claims"


def _key(doctor_id: str, cell: dt.datetime, seat: int) -> str:
    return f"{doctor_id}:{cell:%Y%m%dT%H%M}:{seat}"


async def _seat(store: Store, doctor_id: str, cell: dt.datetime, capacity: int, owner: str) -> tuple[str, bool] | None:
    """A seat in ``cell`` for ``owner``: (claim id, newly taken), or None when all are taken."""
    for seat in range(capacity):
        key = _key(doctor_id, cell, seat)
        try:
            await store.insert(TABLE, {"id": key, "owner": owner, "doctor_id": doctor_id})
            return key, True
        except Conflict:
            try:
                if (await store.get(TABLE, key)).get("owner") == owner:
                    return key, False
            except NotFound:  # released meanwhile: try that seat again
                return await _seat(store, doctor_id, cell, capacity, owner)
    return None


async def take(
    store: Store, doctor_id: str, start: dt.datetime, end: dt.datetime, capacity: int, owner: str
) -> list[str]:
    """Claim a seat in every cell of [start, end) or none at all (raises slot_full)."""
    held: list[str] = []
    new: list[str] = []
    for cell in cells(start, end):
        seat = await _seat(store, doctor_id, cell, capacity, owner)
        if seat is None:
            await release(store, new, owner)
            local = cell.isoformat().replace("+00:00", "Z")
            raise Conflict(
                "The doctor has no room left at that time.", code="slot_full", details={"at": local}
            )
        held.append(seat[0])
        if seat[1]:
            new.append(seat[0])
    return held


async def release(store: Store, keys: list[str], owner: str) -> None:
    for key in keys:
        try:
            claim = await store.get(TABLE, key)
            if claim.get("owner") == owner:
                await store.delete(TABLE, key, expected_version=claim["version"])
        except (NotFound, Conflict):
            continue
