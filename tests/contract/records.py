"""Store-level records (what the services hand to a store), with unique values per call."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

_counter = itertools.count(1)

T0 = dt.datetime(2030, 3, 4, 9, 0, tzinfo=dt.UTC)


def patient(**overrides: Any) -> dict[str, Any]:
    n = next(_counter)
    first, last = overrides.get("first_name", "José"), overrides.get("last_name", f"Ñúñez Peña {n:05d}")
    data = {
        "national_id": f"{n:08d}Z",
        "first_name": first,
        "last_name": last,
        "birth_date": dt.date(1990, 1, 31),
        "phone": "+34 600 111 222",
        "_search": f"{first} {last}".lower().replace("é", "e").replace("ñ", "n").replace("ú", "u"),
    }
    return {**data, **overrides}


def user(**overrides: Any) -> dict[str, Any]:
    n = next(_counter)
    return {"email": f"user{n}@clinic.test", "role": "reception", "first_name": "Ana", "last_name": f"L{n}", **overrides}


def doctor(**overrides: Any) -> dict[str, Any]:
    n = next(_counter)
    data = {
        "first_name": "Elena",
        "last_name": f"Ruiz {n:05d}",
        "specialty": "Cardiología",
        "schedule": {"weekly": {"mon": [["09:00", "14:00"]]}, "exceptions": []},
    }
    return {**data, **overrides}


def appointment(doctor_id: str, patient_id: str, start: dt.datetime, minutes: int = 20, **overrides: Any) -> dict[str, Any]:
    data = {
        "doctor_id": doctor_id,
        "patient_id": patient_id,
        "start": start,
        "end": start + dt.timedelta(minutes=minutes),
        "status": "scheduled",
        "reason": "check-up",
    }
    return {**data, **overrides}
