"""The embedded backend: one SQLite file in WAL mode, written from a single worker thread."""

from hub.store.sqlite.store import SqliteStore

__all__ = ["SqliteStore"]
