"""SELECT statements for a Query against one table."""

from __future__ import annotations

from typing import Any

from hub.store.query import Query
from hub.store.sqlite import codec
from hub.store.sqlite.schema import column
from hub.store.tables import TableSpec


def _like_escape(term: str) -> str:
    return "%" + term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def where_clause(spec: TableSpec, query: Query) -> tuple[str, list[Any]]:
    clauses: list[str] = []
    params: list[Any] = []
    for field, value in query.equals.items():
        clauses.append(f"{column(field)} = ?" if field != "id" else "id = ?")
        params.append(codec.encode_value(spec, field, value))
    for rng in query.ranges:
        for op, bound in ((">", rng.gt), (">=", rng.gte), ("<", rng.lt)):
            if bound is not None:
                clauses.append(f"{column(rng.field)} {op} ?")
                params.append(codec.encode_value(spec, rng.field, bound))
    for term in query.search:
        clauses.append(f"{column('_search')} LIKE ? ESCAPE '\\'")
        params.append(_like_escape(term))
    return (" WHERE " + " AND ".join(clauses)) if clauses else "", params


def select_sql(spec: TableSpec, query: Query, what: str) -> tuple[str, tuple[Any, ...]]:
    where, params = where_clause(spec, query)
    sql = f"SELECT {what} FROM {spec.name}{where}"
    if what == "doc":
        order = ", ".join(column(field) for field in spec.order_by)
        sql += f" ORDER BY {order}, id"
        if query.limit is not None or query.skip:
            sql += " LIMIT ? OFFSET ?"
            params.extend([query.limit if query.limit is not None else -1, query.skip])
    return sql, tuple(params)
