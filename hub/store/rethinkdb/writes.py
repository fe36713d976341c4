"""Single-document writes whose version check is atomic.

RethinkDB applies a ``replace`` with a function atomically to one document, so the
version test and the write happen as one step: of two concurrent updates that expect
the same version, exactly one passes the test. The function answers with ``r.error``
when the record is missing or its version differs; the write result carries that text
in ``first_error``, which ``outcome`` turns back into NotFound or a version Conflict.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from hub.errors import Conflict, NotFound
from hub.store.rethinkdb.reql import r
from hub.store.tables import TableSpec

NOT_FOUND = "hub:not_found"
VERSION_CONFLICT = "hub:version_conflict:"
KEEP = ("id", "created_at")


def _literal(changes: dict[str, Any]) -> dict[str, Any]:
    """``merge`` merges nested objects; a record update replaces each field whole."""
    return {k: r.literal(v) if isinstance(v, dict) else v for k, v in changes.items()}


def _checked(row: Any, expected: int | None, then: Any) -> Any:
    if expected is None:
        return r.branch(row.eq(None), r.error(NOT_FOUND), then)
    stale = r.error(r.expr(VERSION_CONFLICT).add(row["version"].coerce_to("string")))
    return r.branch(row.eq(None), r.error(NOT_FOUND), row["version"].eq(expected), then, stale)


def update_query(
    table: Any, record_id: str, changes: dict[str, Any], expected: int | None, replace: bool, now: dt.datetime
) -> Any:
    def new_doc(row: Any) -> Any:
        meta = {**{k: row[k] for k in KEEP}, "version": row["version"].add(1), "updated_at": now}
        base = r.expr(changes) if replace else row.merge(_literal(changes))
        return base.merge(meta)

    return table.get(record_id).replace(lambda row: _checked(row, expected, new_doc(row)), return_changes=True)


def delete_query(table: Any, record_id: str, expected: int | None) -> Any:
    return table.get(record_id).replace(lambda row: _checked(row, expected, None), return_changes=True)


def outcome(spec: TableSpec, result: dict[str, Any]) -> tuple[dict[str, Any] | None, dict[str, Any] | None]:
    """(old, new) raw documents of a one-document write, or the domain error it reports."""
    if result.get("errors"):
        message = str(result.get("first_error", ""))
        if NOT_FOUND in message:
            raise NotFound(f"No such {spec.singular}.")
        if VERSION_CONFLICT in message:
            current = int(message.split(VERSION_CONFLICT, 1)[1].split()[0].strip("`.\"'"))
            raise Conflict(
                "The record was changed by someone else; reload it.",
                code="version_conflict",
                details={"current_version": current},
            )
        if "Duplicate primary key" in message:
            raise Conflict(f"A {spec.name} record with this id already exists.", fields={"id": ["Already exists."]})
        raise RuntimeError(f"unexpected write error on {spec.name}: {message}")
    change = (result.get("changes") or [{}])[0]
    return change.get("old_val"), change.get("new_val")
