"""The set of use-case services one app uses, built over one store."""

from __future__ import annotations

import dataclasses
from typing import Any

from hub.config import Config
from hub.services.appointments import AppointmentService
from hub.services.audit import AuditLog
from hub.services.audited_patients import AuditedPatientService
from hub.services.doctors import DoctorService
from hub.services.records import RecordService
from hub.services.scheduling import SchedulingService
from hub.services.users import UserService
from hub.store.base import Store


@dataclasses.dataclass(frozen=True)
class Services:
    patients: AuditedPatientService
    doctors: DoctorService
    appointments: AppointmentService
    users: UserService
    audit: AuditLog
    scheduling: SchedulingService

    def for_table(self, table: str) -> RecordService:
        return getattr(self, table)

    def present_view(self, table: str, view: str, record: dict[str, Any]) -> dict[str, Any]:
        return self.for_table(table).present_view(view, record)


def create_services(store: Store, config: Config, audit: AuditLog | None = None) -> Services:
    """``audit``: the audit chain this process appends to; a new one by default."""
    audit = audit or AuditLog(store, config)
    appointments = AppointmentService(store, config)
    return Services(
        patients=AuditedPatientService(store, config, audit),
        doctors=DoctorService(store, config),
        appointments=appointments,
        users=UserService(store, config),
        audit=audit,
        scheduling=SchedulingService(store, config, appointments),
    )
