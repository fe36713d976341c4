"""A backend-neutral description of a read: equality filters, ranges, search terms, paging."""

from __future__ import annotations

import dataclasses
from typing import Any


@dataclasses.dataclass(frozen=True)
class Range:
    """``field`` compared with bounds; ``None`` bounds are open."""

    field: str
    gt: Any = None
    gte: Any = None
    lt: Any = None


@dataclasses.dataclass(frozen=True)
class Query:
    equals: dict[str, Any] = dataclasses.field(default_factory=dict)
    ranges: tuple[Range, ...] = ()
    search: tuple[str, ...] = ()  # folded terms, each a substring of the record's _search key
    skip: int = 0
    limit: int | None = None
