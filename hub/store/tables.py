"""What each table holds, declared once and read by every backend.

``unique`` fields are enforced by the store under concurrent writers; ``datetimes`` and
``dates`` tell the backends which fields to convert, so aware datetimes and plain dates
round-trip exactly (P12).
"""

from __future__ import annotations

import dataclasses

META_DATETIMES = ("created_at", "updated_at")


@dataclasses.dataclass(frozen=True)
class TableSpec:
    name: str
    unique: tuple[str, ...] = ()
    indexes: tuple[str, ...] = ()
    datetimes: tuple[str, ...] = META_DATETIMES
    dates: tuple[str, ...] = ()
    order_by: tuple[str, ...] = ("created_at",)


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
            datetimes=(*META_DATETIMES, "start", "end"),
            order_by=("start",),
        ),
    )
}


def spec_for(table: str) -> TableSpec:
    try:
        return TABLES[table]
    except KeyError:
        raise ValueError(f"unknown table {table!r}") from None
