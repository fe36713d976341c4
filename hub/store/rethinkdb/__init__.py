"""The production backend: RethinkDB through the official driver in asyncio mode.

``connection`` keeps one supervised connection, ``codec`` converts datetimes and dates,
``schema`` creates the database, ``queries`` builds reads, ``writes`` does atomic
versioned writes, ``uniques`` enforces unique fields, ``feeds`` is the change stream.
See docs/rethinkdb.md.
"""

from hub.store.rethinkdb.store import RethinkStore

__all__ = ["RethinkStore"]
