"""Repairing databases and tables that concurrent migrations created twice.

RethinkDB's database and table creation is not serialisable: two hubs migrating at once
can both create a table of the same name, after which every query naming it fails as
"ambiguous" (rethinkdb/rethinkdb#4898; we see it within a few runs of four concurrent
migrations on one server). So after creating, ``migrate`` looks for duplicates in the
system tables and keeps one: the one with the most indexes (databases: the most tables),
since a hub only writes after it has created them, then the smallest id. Every other
copy is renamed to ``<name>__dup_<id>``; a renamed copy that is empty (the usual case:
it was just created) is dropped, one holding data is kept and logged for an operator.
Renaming is an idempotent single-document write and dropping tolerates "does not exist",
so several hubs repairing at once converge on the same result.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable
from typing import Any

from rethinkdb.errors import ReqlRuntimeError

from hub.errors import Unavailable
from hub.store.rethinkdb.connection import Connection
from hub.store.rethinkdb.reql import r

log = logging.getLogger("hub.store.rethinkdb")

SYSTEM = r.db("rethinkdb")
DDL_TIMEOUT = 120.0


def tolerated(exc: Exception, phrase: str) -> bool:
    return phrase in f"{exc} {exc.__cause__ or ''}"


async def run_ddl(conn: Connection, query: Any, tolerate: str) -> None:
    """Run a create (tolerate "already exists") or a drop ("does not exist") that
    another hub may have run first."""
    try:
        await conn.run(query, timeout=DDL_TIMEOUT)
    except (Unavailable, ReqlRuntimeError) as exc:
        if not tolerated(exc, tolerate):
            raise


@dataclasses.dataclass(frozen=True)
class Kind:
    config: str  # the system table listing them
    rank: Callable[[Any], Any]  # config row -> how much work it holds (kept: the highest)
    ready: Callable[[str], Any]
    is_empty: Callable[[str], Any]
    drop: Callable[[str], Any]


def database_kind() -> Kind:
    tables = SYSTEM.table("table_config", identifier_format="uuid")
    return Kind(
        config="db_config",
        rank=lambda row: tables.filter(lambda table: table["db"].eq(row["id"])).count(),
        ready=lambda name: r.db(name).wait(timeout=DDL_TIMEOUT),
        is_empty=lambda name: r.db(name).table_list().is_empty(),
        drop=r.db_drop,
    )


def table_kind(db: str) -> Kind:
    return Kind(
        config="table_config",
        rank=lambda row: row["indexes"].count(),
        ready=lambda name: r.db(db).table(name).wait(timeout=DDL_TIMEOUT),
        is_empty=lambda name: r.db(db).table(name).is_empty(),
        drop=lambda name: r.db(db).table_drop(name),
    )


async def repair(conn: Connection, kind: Kind, match: dict[str, str]) -> None:
    """Leave one database/table matching ``match`` (a ``name``, and a ``db`` for tables)."""
    ranked = SYSTEM.table(kind.config).filter(match).map(lambda row: {"id": row["id"], "rank": kind.rank(row)})
    rows = await conn.run(ranked.coerce_to("array"))
    _, *extras = sorted(rows, key=lambda row: (-row["rank"], row["id"])) or [None]
    for extra in extras:
        await _retire(conn, kind, match["name"], extra["id"])


async def _retire(conn: Connection, kind: Kind, name: str, config_id: str) -> None:
    renamed = f"{name}__dup_{config_id.replace('-', '')[:12]}"
    log.warning("%s %r exists twice (a concurrent migrate); renaming copy %s to %r", kind.config, name, config_id, renamed)
    await conn.run(SYSTEM.table(kind.config).get(config_id).update({"name": renamed}))
    try:
        await conn.run(kind.ready(renamed), timeout=DDL_TIMEOUT)
        empty = await conn.run(kind.is_empty(renamed))
    except (Unavailable, ReqlRuntimeError) as exc:
        if tolerated(exc, "does not exist"):
            return  # another hub retired it first
        raise
    if empty:
        await run_ddl(conn, kind.drop(renamed), "does not exist")
    else:
        log.error("%r holds data: merge it into %r by hand, then drop it", renamed, name)
