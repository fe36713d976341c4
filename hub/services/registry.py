"""The set of use-case services one app uses, built over one store."""

from __future__ import annotations

import dataclasses
from typing import Any

from hub.config import Config
from hub.services.appointments import AppointmentService
from hub.services.doctors import DoctorService
from hub.services.patients import PatientService
from hub.services.records import RecordService
from hub.services.users import UserService
from hub.store.base import Store


@dataclasses.dataclass(frozen=True)
class Services:
    patients: PatientService
    doctors: DoctorService
    appointments: AppointmentService
    users: UserService

    def for_table(self, table: str) -> RecordService:
        return getattr(self, table)

    def present_view(self, table: str, view: str, record: dict[str, Any]) -> dict[str, Any]:
        return self.for_table(table).present_view(view, record)


def create_services(store: Store, config: Config) -> Services:
    return Services(
        patients=PatientService(store, config),
        doctors=DoctorService(store, config),
        appointments=AppointmentService(store, config),
        users=UserService(store, config),
    )
