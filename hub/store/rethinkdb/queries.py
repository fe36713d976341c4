"""A ``hub.store.query.Query`` as ReQL.

An index narrows the rows when one fits (primary key, the compound doctor/start index,
an equality index, then a range index); every condition is then applied as a filter
anyway, so the index choice can only make a read faster, never change its answer.
Semantics follow the SQLite backend: a missing or null field matches no equality and no
range, search terms are literal substrings of ``_search``, and rows are ordered by the
table's ``order_by`` fields (nulls first), then id.
"""

from __future__ import annotations

from typing import Any

from hub.store.query import Query
from hub.store.rethinkdb import codec
from hub.store.rethinkdb.reql import r
from hub.store.rethinkdb.schema import COMPOUND_INDEXES, indexed_fields
from hub.store.tables import TableSpec


def regex_literal(term: str) -> str:
    """``term`` as an RE2 pattern matching itself: ASCII punctuation and spaces as \\x{..}."""
    return "".join(c if c.isalnum() or ord(c) > 127 else f"\\x{{{ord(c):02x}}}" for c in term)


def _encoded(spec: TableSpec, query: Query) -> tuple[dict[str, Any], list[tuple[str, str, Any]]]:
    equals = {f: codec.encode_value(spec, f, v) for f, v in query.equals.items()}
    bounds = [
        (rng.field, op, codec.encode_value(spec, rng.field, value))
        for rng in query.ranges
        for op, value in (("gt", rng.gt), ("ge", rng.gte), ("lt", rng.lt))
        if value is not None
    ]
    return equals, bounds


def _predicate(equals: dict[str, Any], bounds: list[tuple[str, str, Any]], search: tuple[str, ...]) -> Any:
    def test(doc: Any) -> Any:
        conditions = [r.expr(False) if v is None else doc[f].default(None).eq(v) for f, v in equals.items()]
        for field, op, value in bounds:
            present = doc[field].default(None).ne(None)
            conditions.append(present.and_(getattr(doc[field], op)(value)))
        for term in search:
            conditions.append(doc["_search"].default("").match(regex_literal(term)).ne(None))
        return r.and_(*conditions) if conditions else r.expr(True)

    return test


def _range_of(field: str, bounds: list[tuple[str, str, Any]]) -> tuple[Any, Any, str]:
    low = [(op, v) for f, op, v in bounds if f == field and op in ("gt", "ge")]
    high = [v for f, op, v in bounds if f == field and op == "lt"]
    left = low[0][1] if low else r.minval
    return left, high[0] if high else r.maxval, "open" if low and low[0][0] == "gt" else "closed"


def _narrowed(table: Any, spec: TableSpec, equals: dict[str, Any], bounds: list[tuple[str, str, Any]]) -> Any:
    usable = {f: v for f, v in equals.items() if v is not None}
    if "id" in usable:
        return table.get_all(usable["id"])
    ranged = {f for f, _, _ in bounds}
    for name, (first, second) in COMPOUND_INDEXES.get(spec.name, {}).items():
        if first in usable and second in ranged:
            low, high, left = _range_of(second, bounds)
            return table.between([usable[first], low], [usable[first], high], index=name, left_bound=left)
    indexed = indexed_fields(spec)
    for field in indexed:
        if field in usable:
            return table.get_all(usable[field], index=field)
    for field in indexed:
        if field in ranged:
            low, high, left = _range_of(field, bounds)
            return table.between(low, high, index=field, left_bound=left)
    return table


def selection(table: Any, spec: TableSpec, query: Query) -> Any:
    equals, bounds = _encoded(spec, query)
    return _narrowed(table, spec, equals, bounds).filter(_predicate(equals, bounds, query.search))


def _field_or_null(field: str) -> Any:
    """A sort key of one argument (the driver counts a lambda's parameters)."""
    return lambda doc: doc[field].default(None)


def list_query(table: Any, spec: TableSpec, query: Query) -> Any:
    keys = [r.asc(_field_or_null(field)) for field in spec.order_by]
    rows = selection(table, spec, query).order_by(*keys, r.asc("id"))
    if query.skip:
        rows = rows.skip(query.skip)
    if query.limit is not None:
        rows = rows.limit(query.limit)
    return rows


def count_query(table: Any, spec: TableSpec, equals: dict[str, Any]) -> Any:
    return selection(table, spec, Query(equals=equals)).count()

