"""A realistic small demo clinic: doctors with schedules, patients, a week of appointments."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from hub.auth.permissions import Principal
from hub.config import Config
from hub.domain.national_id import check_letter
from hub.errors import Conflict

FIRST_NAMES = (
    "José", "María", "Antonio", "Carmen", "Manuel", "Ana", "Francisco", "Isabel", "David", "Lucía",
    "Javier", "Laura", "Daniel", "Marta", "Pablo", "Elena", "Álvaro", "Sofía", "Sergio", "Paula",
    "Jorge", "Cristina", "Raúl", "Nuria", "Íñigo", "Begoña", "Ramón", "Pilar", "Andrés", "Rocío",
)
LAST_NAMES = (
    "García", "Fernández", "González", "Rodríguez", "López", "Martínez", "Sánchez", "Pérez", "Gómez",
    "Martín", "Jiménez", "Ruiz", "Hernández", "Díaz", "Moreno", "Muñoz", "Álvarez", "Romero", "Núñez",
    "Peña", "Ibáñez", "Castaño", "Ortega", "Delgado", "Vázquez", "Serrano", "Blanco", "Molina",
)
SPECIALTIES = (
    ("Medicina familiar", "mañana"), ("Medicina familiar", "tarde"), ("Pediatría", "mañana"),
    ("Cardiología", "partido"), ("Dermatología", "mañana"), ("Traumatología", "partido"),
    ("Ginecología", "tarde"), ("Urgencias", "noche"),
)
SHIFTS = {
    "mañana": [["08:00", "15:00"]],
    "tarde": [["14:00", "21:00"]],
    "partido": [["09:00", "14:00"], ["16:00", "19:00"]],
    "noche": [["22:00", "06:00"]],
}
REASONS = ("Revisión", "Dolor lumbar", "Control de tensión", "Vacunación", "Resultados de análisis",
           "Fiebre", "Consulta de seguimiento", "Renovación de receta", "Dolor de garganta", "Chequeo anual")
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri")


def dni(rng: random.Random) -> str:
    number = rng.randrange(10_000_000, 99_999_999)
    return f"{number}{check_letter(number)}"


def _doctor(rng: random.Random, index: int, specialty: str, shift: str) -> dict[str, Any]:
    return {
        "first_name": rng.choice(FIRST_NAMES),
        "last_name": f"{rng.choice(LAST_NAMES)} {rng.choice(LAST_NAMES)}",
        "specialty": specialty,
        "room": f"Consulta {index + 1}",
        "slot_minutes": 20 if specialty != "Pediatría" else 15,
        "schedule": {"weekly": {day: SHIFTS[shift] for day in WEEKDAYS}, "exceptions": []},
    }


def _patient(rng: random.Random) -> dict[str, Any]:
    birth = dt.date(1935, 1, 1) + dt.timedelta(days=rng.randrange(0, 32_000))
    return {
        "national_id": dni(rng),
        "first_name": rng.choice(FIRST_NAMES),
        "last_name": f"{rng.choice(LAST_NAMES)} {rng.choice(LAST_NAMES)}",
        "birth_date": birth.isoformat(),
        "gender": rng.choice(("female", "male")),
        "phone": f"+34 6{rng.randrange(10_000_000, 99_999_999)}",
        "address": f"Calle {rng.choice(LAST_NAMES)} {rng.randrange(1, 120)}, Madrid",
    }


def _slots(config: Config, doctor: dict[str, Any], day: dt.date) -> list[str]:
    """Local start times inside the doctor's first range of that weekday."""
    ranges = doctor["schedule"]["weekly"].get(WEEKDAYS[day.weekday()] if day.weekday() < 5 else "", [])
    starts = []
    for begin, end in ranges:
        t = dt.datetime.combine(day, dt.time.fromisoformat(begin))
        stop = dt.datetime.combine(day, dt.time.fromisoformat(end))
        if stop <= t:
            stop += dt.timedelta(days=1)
        while t + dt.timedelta(minutes=doctor["slot_minutes"]) <= stop:
            starts.append(t.replace(tzinfo=config.timezone).isoformat())
            t += dt.timedelta(minutes=doctor["slot_minutes"])
    return starts


async def seed_demo(services: Any, config: Config, *, seed: int = 7, password: str = "demo-clinic-2026") -> str:
    rng = random.Random(seed)
    admin = Principal(user_id="seed", role="admin")
    doctors = [await services.doctors.create(admin, _doctor(rng, i, s, shift)) for i, (s, shift) in enumerate(SPECIALTIES)]
    patients = []
    while len(patients) < 200:
        try:
            patients.append(await services.patients.create(admin, _patient(rng)))
        except Conflict:
            continue
    monday = dt.date.today() - dt.timedelta(days=dt.date.today().weekday())
    booked = 0
    for doctor in doctors:
        for offset in range(5):
            for start in _slots(config, doctor, monday + dt.timedelta(days=offset)):
                if rng.random() < 0.45:
                    await services.appointments.create(admin, {
                        "patient_id": rng.choice(patients)["id"], "doctor_id": doctor["id"],
                        "start": start, "reason": rng.choice(REASONS)})
                    booked += 1
    accounts = await _demo_accounts(services, doctors, password)
    return (
        f"Demo clinic: {len(doctors)} doctors, {len(patients)} patients, {booked} appointments "
        f"in the week of {monday}.\nAccounts (password {password!r}): {', '.join(accounts)}"
    )


async def _demo_accounts(services: Any, doctors: list[dict[str, Any]], password: str) -> list[str]:
    wanted = [("recepcion@clinic.local", "reception", None), ("pantalla@clinic.local", "display", None)]
    wanted += [(f"doctor{i + 1}@clinic.local", "doctor", d["id"]) for i, d in enumerate(doctors)]
    created = []
    for email, role, doctor_id in wanted:
        try:
            await services.users.insert_account({
                "email": email, "first_name": role.capitalize(), "last_name": "Demo", "role": role,
                "password": password, **({"doctor_id": doctor_id} if doctor_id else {})})
        except Conflict:
            continue
        created.append(email)
    return created
