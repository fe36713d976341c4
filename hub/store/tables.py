"""What each table holds, declared once and read by every backend.

``unique`` fields are enforced by the store under concurrent writers; ``datetimes`` and
``dates`` tell the backends which fields to convert, so aware datetimes and plain dates
round-trip exactly (P12).
"""

from __future__ import annotations

import dataclasses

from hub.errors import Conflict

META_DATETIMES = ("created_at", "updated_at")


@dataclasses.dataclass(frozen=True)
class TableSpec:
    name: str
    unique: tuple[str, ...] = ()
    indexes: tuple[str, ...] = ()
    datetimes: tuple[str, ...] = META_DATETIMES
    dates: tuple[str, ...] = ()
    order_by: tuple[str, ...] = ("created_at",)

    @property
    def singular(self) -> str:
        """For messages: "No such patient." """
        return self.name[:-1] if self.name.endswith("s") else self.name


FIELD_LABELS = {"national_id": "national ID"}


def duplicate(spec: TableSpec, field: str) -> Conflict:
    """The one answer both backends give when a unique field is taken."""
    label = FIELD_LABELS.get(field, field.replace("_", " "))
    return Conflict(f"Another {spec.name.rstrip('s')} has this {label}.", fields={field: ["Already exists."]})


TABLES: dict[str, TableSpec] = {
    spec.name: spec
    for spec in (
        TableSpec("users", unique=("email",), indexes=("role", "doctor_id"), order_by=("email",)),
        TableSpec(
            "patients",
            unique=("national_id",),
            dates=("birth_date",),
            order_by=("last_name", "first_name"),
        ),
        TableSpec("doctors", indexes=("specialty",), order_by=("last_name", "first_name")),
        TableSpec(
            "appointments",
            indexes=("doctor_id", "patient_id", "start", "status"),
            datetimes=(*META_DATETIMES, "start", "end", "checked_in_at", "called_at"),
            order_by=("start",),
        ),
        # Append-only, hash-chained audit trail: one chain per hub process (hub/services/audit.py).
        TableSpec(
            "audit",
            indexes=("instance", "seq", "who", "table"),
            datetimes=(*META_DATETIMES, "at"),
            order_by=("at", "seq"),
        ),
        # Capacity claims: one record per (doctor, 5-minute cell, seat); see hub/services/capacity.py.
        TableSpec("claims", indexes=("owner",), order_by=("id",)),
        # Atomic counters (ticket numbers per clinic day and prefix).
        TableSpec("counters", order_by=("id",)),
    )
}


def spec_for(table: str) -> TableSpec:
    try:
        return TABLES[table]
    except KeyError:
        raise ValueError(f"unknown table {table!r}") from None
