"""DDL for the embedded store, derived from the table specs. Every statement is idempotent."""

from __future__ import annotations

import re

from hub.store.tables import TABLES, TableSpec

NAME = re.compile(r"^[a-z_]+$")


def column(field: str) -> str:
    """The SQL expression for a record field; field names come from our code, never a client."""
    if not NAME.match(field):
        raise ValueError(f"bad field name {field!r}")
    return f"json_extract(doc, '$.{field}')"


def unique_index_name(spec: TableSpec, field: str) -> str:
    return f"u_{spec.name}_{field}"


def table_statements(spec: TableSpec) -> list[str]:
    statements = [
        f"CREATE TABLE IF NOT EXISTS {spec.name} (id TEXT PRIMARY KEY, version INTEGER NOT NULL, doc TEXT NOT NULL)"
    ]
    for field in spec.unique:
        statements.append(
            f"CREATE UNIQUE INDEX IF NOT EXISTS {unique_index_name(spec, field)} ON {spec.name}({column(field)})"
        )
    for field in spec.indexes:
        statements.append(f"CREATE INDEX IF NOT EXISTS i_{spec.name}_{field} ON {spec.name}({column(field)})")
    return statements


CHANGELOG = (
    "CREATE TABLE IF NOT EXISTS changes ("
    " seq INTEGER PRIMARY KEY AUTOINCREMENT, tbl TEXT NOT NULL, rid TEXT NOT NULL,"
    " type TEXT NOT NULL, old TEXT, new TEXT, at TEXT NOT NULL)"
)


def all_statements() -> list[str]:
    statements = [CHANGELOG]
    for spec in TABLES.values():
        statements.extend(table_statements(spec))
    return statements
