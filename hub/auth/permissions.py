"""Who may do what: the default policy a clinic expects, checked per event and per route.

- reception manages patients and appointments;
- doctors read patients, write medical history, and manage their own appointments;
- only doctors and admins see (and write) medical history;
- only admins manage doctors and users;
- display devices may only use the waiting-room queue.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from hub.errors import Forbidden

STAFF = frozenset({"admin", "reception", "doctor"})
ADMIN = frozenset({"admin"})
DESK = frozenset({"admin", "reception"})
CLINICAL = frozenset({"admin", "doctor"})

POLICY: dict[str, dict[str, frozenset[str]]] = {
    "patients": {"create": DESK, "read": STAFF, "update": STAFF, "delete": DESK},
    "doctors": {"create": ADMIN, "read": STAFF, "update": ADMIN, "delete": ADMIN},
    "appointments": {"create": STAFF, "read": STAFF, "update": STAFF, "delete": DESK},
    "users": {"create": ADMIN, "read": ADMIN, "update": ADMIN, "delete": ADMIN},
    "queue": {"read": STAFF | {"display"}},
    "audit": {"read": ADMIN},
}

# Fields a role may write on a record it may update; None means any field.
DOCTOR_PATIENT_FIELDS = frozenset({"medical_history"})


@dataclasses.dataclass(frozen=True)
class Principal:
    user_id: str
    role: str
    doctor_id: str | None = None
    token_id: str = ""
    expires_at: int = 0
    client: str | None = None  # the caller's address, when known (recorded in the audit trail)

    @property
    def sees_medical_history(self) -> bool:
        return self.role in CLINICAL

    @property
    def own_agenda_only(self) -> bool:
        return self.role == "doctor"


def allowed(principal: Principal, resource: str, action: str) -> bool:
    return principal.role in POLICY.get(resource, {}).get(action, frozenset())


def require(principal: Principal, resource: str, action: str) -> None:
    if not allowed(principal, resource, action):
        raise Forbidden(f"Role {principal.role!r} may not {action} {resource}.")


def require_patient_fields(principal: Principal, data: dict[str, Any]) -> None:
    """Reception may not write medical history; doctors may write nothing else."""
    if principal.role == "admin":
        return
    if principal.role == "doctor":
        extra = set(data) - DOCTOR_PATIENT_FIELDS
        if extra:
            raise Forbidden("Doctors may only update medical_history.", fields={f: ["Not writable by doctors."] for f in sorted(extra)})
    elif "medical_history" in data:
        raise Forbidden("Only doctors and admins may write medical history.", fields={"medical_history": ["Not writable by this role."]})


def require_own_agenda(principal: Principal, doctor_id: str | None) -> None:
    if principal.own_agenda_only and doctor_id != principal.doctor_id:
        raise Forbidden("Doctors may only manage their own appointments.")
