"""Opaque subscription cursors: ``<epoch>.<position>``.

The epoch ``g`` means a position in the store's global history (SQLite's changelog), valid on
every instance. Any other epoch names one instance's change pump (backends without global
order, e.g. RethinkDB): such a cursor resumes only on that instance while it keeps the
changes; elsewhere the client gets a fresh snapshot (``resumed: false``).
"""

from __future__ import annotations

import dataclasses
import re

GLOBAL = "g"
PATTERN = re.compile(r"^([A-Za-z0-9]{1,32})\.(\d{1,18})$")


@dataclasses.dataclass(frozen=True)
class Cursor:
    epoch: str
    position: int

    def encode(self) -> str:
        return f"{self.epoch}.{self.position}"


def decode(raw: object) -> Cursor | None:
    """None for anything that is not a cursor we issued; the caller falls back to a snapshot."""
    if not isinstance(raw, str) or not (m := PATTERN.match(raw)):
        return None
    return Cursor(m.group(1), int(m.group(2)))
