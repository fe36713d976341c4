"""The store interface every backend implements, checked by one contract test suite.

Records are plain dicts. The store sets ``id`` (unless given), ``version`` (1, then +1 on
every write), ``created_at`` and ``updated_at``. Datetimes must be aware; the fields
named in ``hub.store.tables`` come back as aware UTC datetimes and ``datetime.date``s.
Errors are domain errors: NotFound, Conflict (unique field or stale version), Unavailable.
"""

from __future__ import annotations

import abc
from collections.abc import AsyncIterator, Iterable
from typing import Any

from hub.store.changes import Change, StreamItem
from hub.store.query import Query

Record = dict[str, Any]


class Store(abc.ABC):
    backend: str = ""

    @abc.abstractmethod
    async def open(self) -> None: ...

    @abc.abstractmethod
    async def close(self) -> None: ...

    @abc.abstractmethod
    async def migrate(self) -> None:
        """Create tables and indexes; idempotent and safe when two instances run it at once."""

    @abc.abstractmethod
    async def ping(self) -> bool: ...

    @abc.abstractmethod
    async def insert(self, table: str, record: Record) -> Record: ...

    @abc.abstractmethod
    async def get(self, table: str, record_id: str) -> Record: ...

    @abc.abstractmethod
    async def find(self, table: str, field: str, value: Any) -> Record | None:
        """The record whose unique ``field`` equals ``value``, or None."""

    @abc.abstractmethod
    async def update(
        self, table: str, record_id: str, changes: Record, *, expected_version: int | None = None, replace: bool = False
    ) -> Record: ...

    @abc.abstractmethod
    async def delete(self, table: str, record_id: str, *, expected_version: int | None = None) -> Record: ...

    @abc.abstractmethod
    async def list(self, table: str, query: Query) -> list[Record]: ...

    @abc.abstractmethod
    async def count(self, table: str, equals: dict[str, Any]) -> int: ...

    @abc.abstractmethod
    def changes(self, tables: Iterable[str] | None = None, *, include_initial: bool = False) -> AsyncIterator[StreamItem]:
        """Every committed write from now on (see ``hub.store.changes``). Never ends by itself;
        the consumer cancels it. Reopens lost feeds and reports them as ``resync``."""

    async def history(self, after: int, limit: int = 1000) -> list[Change] | None:
        """Changes with a global ``position`` after ``after``, oldest first; None when the
        backend keeps no global history or it no longer reaches back that far."""
        return None

    async def prune_history(self, keep_seconds: float) -> None:
        """Forget history older than ``keep_seconds``."""
        return None
