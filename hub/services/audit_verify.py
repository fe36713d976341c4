"""Checking the audit trail's hash chains (``clinic-hub audit verify``).

Each chain (one per hub process, see ``hub.services.audit``) is walked in ``seq`` order
from its first record: every ``seq`` must be there exactly once, every ``prev_hash`` must
be the previous record's ``hash`` (the first one's is ``GENESIS``), and every ``hash``
must match the record's content. Records that belong to no intact chain walk (a chain
whose first record was removed, a record moved out of its chain) are counted at the end.
The first problem found is reported, naming the chain, ``seq`` and record id.

Deleting the *last* records of a chain leaves a shorter intact chain: a hash chain
cannot show that on its own.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from hub.services.audit import GENESIS, TABLE, record_hash
from hub.store.base import Record, Store
from hub.store.query import Query, Range

PAGE = 1000


@dataclasses.dataclass(frozen=True)
class Broken:
    instance: str
    seq: int
    record_id: str
    reason: str

    def __str__(self) -> str:
        return f"chain {self.instance} seq {self.seq} (record {self.record_id}): {self.reason}"


@dataclasses.dataclass
class Report:
    records: int = 0
    chains: int = 0
    broken: Broken | None = None

    @property
    def ok(self) -> bool:
        return self.broken is None


def _check(record: Record, seq: int, prev: str) -> str | None:
    if record.get("seq") != seq:
        return f"record seq {seq} is missing" if record.get("seq", 0) > seq else "seq appears twice"
    if record.get("prev_hash") != prev:
        return "prev_hash does not match the previous record's hash"
    if record.get("hash") != record_hash(record):
        return "hash does not match the record's content"
    return None


async def _page(store: Store, instance: str, start: int) -> list[Record]:
    query = Query(equals={"instance": instance}, ranges=(Range("seq", gte=start, lt=start + PAGE),))
    return sorted(await store.list(TABLE, query), key=lambda r: (r.get("seq", 0), str(r.get("id"))))


async def verify_chain(store: Store, instance: str) -> tuple[int, Broken | None]:
    """How many records the chain holds, and its first problem if any."""
    seq, prev = 1, GENESIS
    while rows := await _page(store, instance, seq):
        for record in rows:
            if reason := _check(record, seq, prev):
                return seq - 1, Broken(instance, seq, str(record.get("id")), reason)
            seq, prev = seq + 1, record["hash"]
        if len(rows) < PAGE:
            break
    return seq - 1, None


async def verify(store: Store) -> Report:
    report = Report()
    heads = await store.list(TABLE, Query(equals={"seq": 1}))
    for instance in sorted({str(head["instance"]) for head in heads}):
        count, broken = await verify_chain(store, instance)
        report.records += count
        report.chains += 1
        if broken:
            report.broken = broken
            return report
    total = await store.count(TABLE, {})
    if total != report.records:
        report.broken = await _stray(store, report.records, total)
    return report


async def _stray(store: Store, walked: int, total: int) -> Broken:
    """Name a record outside every intact chain (scans the table: this only runs when broken)."""
    heads = {str(r["instance"]) for r in await store.list(TABLE, Query(equals={"seq": 1}))}
    first: Any = None
    skip = 0
    while page := await store.list(TABLE, Query(skip=skip, limit=PAGE)):
        first = next((r for r in page if str(r.get("instance")) not in heads), None)
        if first is not None:
            break
        skip += PAGE
    reason = f"{total - walked} record(s) are not part of any intact chain"
    if first is None:
        return Broken("?", 0, "?", reason)
    return Broken(str(first.get("instance")), int(first.get("seq") or 0), str(first.get("id")), reason)
