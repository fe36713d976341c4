"""The appointment state machine.

scheduled -> checked_in -> called -> in_progress -> completed; from scheduled or checked_in
also cancelled or no_show. A recall keeps ``called`` and counts.
"""

from __future__ import annotations

import datetime as dt

from hub.errors import InvalidTransition

ALLOWED: dict[str, frozenset[str]] = {
    "scheduled": frozenset({"checked_in", "cancelled", "no_show"}),
    "checked_in": frozenset({"called", "cancelled", "no_show"}),
    "called": frozenset({"in_progress"}),
    "in_progress": frozenset({"completed"}),
    "completed": frozenset(),
    "cancelled": frozenset(),
    "no_show": frozenset(),
}
# Event name -> target status.
EVENTS = {
    "check_in": "checked_in",
    "call": "called",
    "start": "in_progress",
    "complete": "completed",
    "cancel": "cancelled",
    "no_show": "no_show",
}
FREES_CAPACITY = frozenset({"cancelled", "no_show"})
IN_QUEUE = ("checked_in", "called", "in_progress")


def check(current: str, target: str) -> None:
    if target not in ALLOWED.get(current, frozenset()):
        raise InvalidTransition(
            f"An appointment that is {current} cannot become {target}.", details={"current": current}
        )


def check_check_in_day(current: str, appointment_day: dt.date, today: dt.date) -> None:
    """A ticket is for today's waiting room: check-in happens on the appointment's own
    clinic-local day, not days ahead (nor after it)."""
    if appointment_day != today:
        raise InvalidTransition(
            f"Check-in is only possible on the appointment's day ({appointment_day.isoformat()}).",
            details={"current": current, "day": appointment_day.isoformat()},
        )


def check_recall(current: str) -> None:
    if current != "called":
        raise InvalidTransition("Only a called patient can be recalled.", details={"current": current})
