"""Live views: one Room per (filter, view), shared by every socket that subscribed to it.

A room keeps the current records of its filter (``model``), so that
- a new subscriber's snapshot is the room's model, exactly consistent with the change
  position it is handed (the cursor);
- a change is turned into add / change / remove relative to what subscribers hold,
  delivered once per room (one encoded frame) in per-record version order.

The pump applies changes under ``lock``; a subscriber joins under the same lock and sends its
ack without yielding in between, so no change is lost between the snapshot and the first
event, and none arrives twice or before the ack.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import time
from collections.abc import Callable
from typing import Any

from hub.realtime.filters import Filter
from hub.store.changes import Change

log = logging.getLogger("hub.realtime")
Present = Callable[[str, str, dict[str, Any]], dict[str, Any]]


@dataclasses.dataclass
class Room:
    name: str
    namespace: str
    filter: Filter
    view: str
    model: dict[str, dict[str, Any]] = dataclasses.field(default_factory=dict)
    versions: dict[str, int] = dataclasses.field(default_factory=dict)
    members: set[str] = dataclasses.field(default_factory=set)
    pending: list[Change] | None = dataclasses.field(default_factory=list)
    ready: asyncio.Future[None] = dataclasses.field(default_factory=lambda: asyncio.get_running_loop().create_future())
    filled_at: float = 0.0
    # registry._replay's memo: (epoch, position) -> the event sent for that change, or None
    replayed: dict[tuple[str, int], dict[str, Any] | None] = dataclasses.field(default_factory=dict)

    def fill(self, records: list[dict[str, Any]], present: Present) -> None:
        self.filled_at = time.monotonic()
        for record in records:
            if self.filter.matches(record):
                self.model[record["id"]] = present(self.filter.table, self.view, record)
                self.versions[record["id"]] = record.get("version", 0)
        pending, self.pending = self.pending or [], None
        for change in pending:
            self.apply(change, present)

    def reflects(self, change: Change) -> bool:
        """Whether the model already holds ``change``, so that applying it will send nothing.
        A new room's snapshot can be ahead of the pump: it may hold writes the pump has not
        applied yet."""
        known = change.id in self.model
        if self.filter.matches(change.new):
            return known and self.versions[change.id] >= (change.new or {}).get("version", 0)
        return not known

    def apply(self, change: Change, present: Present) -> tuple[str, str, dict[str, Any] | None] | None:
        """Update the model; return the (type, id, data) subscribers must see, if any."""
        if self.pending is not None:
            self.pending.append(change)
            return None
        record_id, known = change.id, change.id in self.model
        if self.filter.matches(change.new):
            version = change.new.get("version", 0)
            if known and self.versions[record_id] > version:
                return None  # older than what the snapshot already holds
            data = present(self.filter.table, self.view, change.new)
            if known and self.versions[record_id] == version and self.model[record_id] == data:
                return None  # already reflected
            self.model[record_id], self.versions[record_id] = data, version
            return ("change" if known else "add", record_id, data)
        if known:
            del self.model[record_id], self.versions[record_id]
            return ("remove", record_id, None)
        return None


def event(room: str, kind: str, record_id: str, data: dict[str, Any] | None, cursor: str) -> dict[str, Any]:
    return {"subscription": room, "type": kind, "id": record_id, "data": data, "cursor": cursor}
