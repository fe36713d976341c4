"""What a store's change stream yields.

``Store.changes()`` is an async iterator over every committed write, by any writer:

- ``Change``: one record added, changed or removed, with its ``old`` and ``new`` values
  (decoded like ``get``). ``position`` is the backend's own ordering token when it has a
  global one (SQLite: the changelog sequence), else None.
- ``StreamState("ready")``: the stream is live; with ``include_initial=True`` every current
  record was yielded before it as ``Change(type="initial")`` (P13: changes may still be
  interleaved with the initial rows; consumers apply them in order). Backends with a global
  order set ``position`` to where the live changes start.
- ``StreamState("resync")``: the feed was lost and reopened (connection loss, server
  restart, table reconfiguration); changes may have been missed and consumers must
  resynchronise from a fresh read. A ``ready`` follows once the new feed is live.
"""

from __future__ import annotations

import dataclasses
from typing import Any, Literal

ChangeType = Literal["initial", "add", "change", "remove"]


@dataclasses.dataclass(frozen=True)
class Change:
    table: str
    type: ChangeType
    id: str
    old: dict[str, Any] | None
    new: dict[str, Any] | None
    position: int | None = None

    @property
    def record(self) -> dict[str, Any]:
        """The record as it is after the change (before it, for a removal)."""
        return self.new if self.new is not None else (self.old or {})


@dataclasses.dataclass(frozen=True)
class StreamState:
    state: Literal["ready", "resync"]
    reason: str = ""
    position: int | None = None  # with "ready": the global position the stream starts after


StreamItem = Change | StreamState


def change_type(old: Any, new: Any) -> ChangeType:
    if old is None:
        return "add"
    if new is None:
        return "remove"
    return "change"
