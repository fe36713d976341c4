"""The appointment state machine.

scheduled -> checked_in -> called -> in_progress -> completed; from scheduled or checked_in
also cancelled or no_show. A recall keeps ``called`` and counts.
"""

from __future__ import annotations

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


def check_recall(current: str) -> None:
    if current != "called":
        raise InvalidTransition("Only a called patient can be recalled.", details={"current": current})
