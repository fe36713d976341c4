"""Database, tables and secondary indexes, created idempotently by ``migrate``.

Indexes: every unique field and every ``TableSpec.indexes`` field (patients.national_id,
users.email/role/doctor_id, doctors.specialty, appointments.doctor_id/patient_id/start/
status), plus the compound ``appointments.doctor_day`` = ``[doctor_id, start]``. A day's
agenda is a clinic-local day, 23 to 25 hours long in UTC, so the index keeps the exact
start and a day is read as ``between([doctor, day_start], [doctor, day_end])``, which is
right for any clinic time zone.

RethinkDB's database and table creation is not serialisable: two hubs migrating at once
can both create a table of the same name, after which every query on that name fails as
ambiguous. So after creating, ``migrate`` looks for duplicates in the system tables,
keeps the one with the smallest id and renames the others to ``<name>__dup_<id>``; a
renamed duplicate that is empty (the usual case: it was just created) is dropped, one
with data is kept and logged for an operator. Renaming is an idempotent single-document
write, so several hubs repairing at once converge on the same result. Index creation is
per table and serialised by the server; "already exists" just means another hub won.
"""

from __future__ import annotations

import logging
from typing import Any

from rethinkdb.errors import ReqlRuntimeError

from hub.errors import Unavailable
from hub.store.rethinkdb.connection import Connection
from hub.store.rethinkdb.reql import r
from hub.store.rethinkdb.uniques import KEYS_TABLE
from hub.store.tables import TABLES, TableSpec

log = logging.getLogger("hub.store.rethinkdb")

SYSTEM = r.db("rethinkdb")
COMPOUND_INDEXES: dict[str, dict[str, tuple[str, str]]] = {"appointments": {"doctor_day": ("doctor_id", "start")}}
MIGRATE_TIMEOUT = 120.0


def indexed_fields(spec: TableSpec) -> tuple[str, ...]:
    return tuple(dict.fromkeys((*spec.unique, *spec.indexes)))


def compound(fields: tuple[str, ...]) -> Any:
    """An index function of one argument (the driver counts a lambda's parameters)."""
    return lambda doc: [doc[field] for field in fields]


def index_definitions(spec: TableSpec) -> dict[str, Any]:
    """name -> index function (None: the field of that name)."""
    definitions: dict[str, Any] = dict.fromkeys(indexed_fields(spec))
    for name, fields in COMPOUND_INDEXES.get(spec.name, {}).items():
        definitions[name] = compound(fields)
    return definitions


def _lost_race(exc: Exception) -> bool:
    text = f"{exc} {exc.__cause__ or ''}"
    return "already exists" in text or "does not exist" in text


async def _run_ddl(conn: Connection, query: Any) -> None:
    """Run a create/drop that another hub may have run first."""
    try:
        await conn.run(query, timeout=MIGRATE_TIMEOUT)
    except (Unavailable, ReqlRuntimeError) as exc:
        if not _lost_race(exc):
            raise


async def _dedupe(conn: Connection, config: str, match: dict[str, str], is_empty: Any, drop: Any) -> None:
    rows = await conn.run(SYSTEM.table(config).filter(match)["id"].coerce_to("array"))
    for extra in sorted(rows)[1:]:
        renamed = f"{match['name']}__dup_{extra.replace('-', '')[:12]}"
        log.error("duplicate %s %r (id %s) from a concurrent migrate; renamed to %r", config, match, extra, renamed)
        await conn.run(SYSTEM.table(config).get(extra).update({"name": renamed}))
        if await conn.run(is_empty(renamed)):
            await _run_ddl(conn, drop(renamed))
        else:
            log.error("%r holds data: merge it by hand, then drop it", renamed)


async def ensure_database(conn: Connection, db: str) -> None:
    await _run_ddl(conn, r.branch(r.db_list().contains(db), None, r.db_create(db)))
    await _dedupe(conn, "db_config", {"name": db}, lambda n: r.db(n).table_list().is_empty(), r.db_drop)


async def ensure_table(conn: Connection, db: str, name: str) -> None:
    await _run_ddl(conn, r.branch(r.db(db).table_list().contains(name), None, r.db(db).table_create(name)))
    await _dedupe(
        conn,
        "table_config",
        {"db": db, "name": name},
        lambda n: r.db(db).table(n).is_empty(),
        lambda n: r.db(db).table_drop(n),
    )


async def ensure_indexes(conn: Connection, db: str, spec: TableSpec) -> None:
    table = r.db(db).table(spec.name)
    existing = set(await conn.run(table.index_list()))
    for name, function in index_definitions(spec).items():
        if name not in existing:
            create = table.index_create(name, function) if function else table.index_create(name)
            await _run_ddl(conn, create)
    await conn.run(table.index_wait(), timeout=MIGRATE_TIMEOUT)


async def migrate(conn: Connection, db: str) -> None:
    await ensure_database(conn, db)
    for name in (*TABLES, KEYS_TABLE):
        await ensure_table(conn, db, name)
    await conn.run(r.db(db).wait(wait_for="ready_for_writes", timeout=MIGRATE_TIMEOUT), timeout=MIGRATE_TIMEOUT)
    for spec in TABLES.values():
        await ensure_indexes(conn, db, spec)
