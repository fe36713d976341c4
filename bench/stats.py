"""Percentiles, merging of load-generator samples, and the printed tables."""

from __future__ import annotations

import array
import math
from collections.abc import Iterable, Sequence
from typing import Any


def summary(values: Sequence[float], scale: float = 1000.0) -> dict[str, Any]:
    """count, p50/p90/p99/max and mean, in milliseconds (``scale``) by default."""
    if not values:
        return {"count": 0}
    ordered = sorted(values)

    def at(p: float) -> float:
        return ordered[min(len(ordered) - 1, max(0, math.ceil(p / 100 * len(ordered)) - 1))] * scale

    return {"count": len(ordered), "p50": at(50), "p90": at(90), "p99": at(99), "max": ordered[-1] * scale,
            "mean": sum(ordered) / len(ordered) * scale}


def merge(parts: Iterable[dict[Any, array.array]]) -> dict[Any, array.array]:
    merged: dict[Any, array.array] = {}
    for part in parts:
        for key, values in part.items():
            merged.setdefault(key, array.array("d")).extend(values)
    return merged


def fmt(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        digits = 3 if abs(value) < 1 else 2 if abs(value) < 10 else 1
        return f"{value:.{digits}f}"
    return str(value)


def table(title: str, headers: list[str], rows: list[list[Any]]) -> str:
    cells = [[fmt(c) for c in row] for row in rows]
    widths = [max(len(h), *(len(r[i]) for r in cells)) if cells else len(h) for i, h in enumerate(headers)]
    line = "  ".join(h.rjust(w) if i else h.ljust(w) for i, (h, w) in enumerate(zip(headers, widths, strict=True)))
    out = [title, line, "-" * len(line)]
    for row in cells:
        out.append("  ".join(c.rjust(w) if i else c.ljust(w) for i, (c, w) in enumerate(zip(row, widths, strict=True))))
    return "\n".join(out)


def cells(figures: dict[str, Any], keys: Sequence[str] = ("count", "p50", "p90", "p99", "max")) -> list[Any]:
    """A summary's figures as table cells."""
    return [figures.get(key) for key in keys]


def verdict(value: float | None, limit: float, lower_is_better: bool = True) -> str:
    if value is None:
        return "n/a"
    ok = value <= limit if lower_is_better else value >= limit
    return "PASS" if ok else "FAIL"
