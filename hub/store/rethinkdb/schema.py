"""Database, tables and secondary indexes, created idempotently by ``migrate``.

Indexes: every unique field and every ``TableSpec.indexes`` field (patients.national_id,
users.email/role/doctor_id, doctors.specialty, appointments.doctor_id/patient_id/start/
status), plus the compound ``appointments.doctor_day`` = ``[doctor_id, start]``. A day's
agenda is a clinic-local day, 23 to 25 hours long in UTC, so the index keeps the exact
start and a day is read as ``between([doctor, day_start], [doctor, day_end])``, which is
right for any clinic time zone.

Creating a database or table is not serialisable in RethinkDB; ``duplicates`` repairs
what two concurrent migrations can leave behind, and ``migrate`` starts over (a few
times) when it meets a duplicate created meanwhile. Index creation is per table and
serialised by the server; "already exists" just means another hub won.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from rethinkdb.errors import ReqlRuntimeError

from hub.errors import Unavailable
from hub.store.rethinkdb.connection import Connection
from hub.store.rethinkdb.duplicates import DDL_TIMEOUT, database_kind, repair, run_ddl, table_kind
from hub.store.rethinkdb.reql import r
from hub.store.rethinkdb.uniques import KEYS_TABLE
from hub.store.tables import TABLES, TableSpec

log = logging.getLogger("hub.store.rethinkdb")

COMPOUND_INDEXES: dict[str, dict[str, tuple[str, str]]] = {"appointments": {"doctor_day": ("doctor_id", "start")}}
MIGRATE_ATTEMPTS = 5


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


async def ensure_database(conn: Connection, db: str) -> None:
    await run_ddl(conn, r.branch(r.db_list().contains(db), None, r.db_create(db)), "already exists")
    await repair(conn, database_kind(), {"name": db})


def _create_table(db: str, name: str) -> Any:
    return r.branch(r.db(db).table_list().contains(name), None, r.db(db).table_create(name))


async def ensure_tables(conn: Connection, db: str, names: tuple[str, ...]) -> None:
    await asyncio.gather(*[run_ddl(conn, _create_table(db, name), "already exists") for name in names])
    for name in names:
        await repair(conn, table_kind(db), {"db": db, "name": name})
    await conn.run(r.db(db).wait(wait_for="ready_for_writes", timeout=DDL_TIMEOUT), timeout=DDL_TIMEOUT)


async def ensure_indexes(conn: Connection, db: str, spec: TableSpec) -> None:
    table = r.db(db).table(spec.name)
    existing = set(await conn.run(table.index_list()))
    for name, function in index_definitions(spec).items():
        if name not in existing:
            create = table.index_create(name, function) if function else table.index_create(name)
            await run_ddl(conn, create, "already exists")
    await conn.run(table.index_wait(), timeout=DDL_TIMEOUT)


async def _migrate_once(conn: Connection, db: str) -> None:
    await ensure_database(conn, db)
    await ensure_tables(conn, db, (*TABLES, KEYS_TABLE))
    await asyncio.gather(*[ensure_indexes(conn, db, spec) for spec in TABLES.values()])


async def migrate(conn: Connection, db: str) -> None:
    for attempt in range(1, MIGRATE_ATTEMPTS + 1):
        try:
            return await _migrate_once(conn, db)
        except (Unavailable, ReqlRuntimeError) as exc:
            if attempt == MIGRATE_ATTEMPTS:
                raise
            log.warning("migrate of %s failed (%s: %s); attempt %d again", db, exc, exc.__cause__, attempt + 1)
            await asyncio.sleep(0.2 * attempt)
