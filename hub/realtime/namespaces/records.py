"""CRUD namespaces for patients, doctors and appointments over acknowledged events."""

from __future__ import annotations

from typing import Any

from hub.auth.permissions import Principal
from hub.domain.queries import DeleteSchema, IdSchema, UpdateSchema
from hub.keys import services_key
from hub.realtime.namespaces.base import HubNamespace
from hub.services.records import RecordService
from hub.services.validation import load

CRUD = frozenset({"create", "get", "list", "update", "delete"})


class RecordNamespace(HubNamespace):
    events = CRUD

    @property
    def service(self) -> RecordService:
        return self.app[services_key].for_table(self.resource)

    async def on_create(self, principal: Principal, data: Any) -> Any:
        return await self.service.create(principal, data)

    async def on_get(self, principal: Principal, data: Any) -> Any:
        return await self.service.get(principal, load(IdSchema(), data)["id"])

    async def on_list(self, principal: Principal, data: Any) -> Any:
        return await self.service.list(principal, {} if data is None else data)

    async def on_update(self, principal: Principal, data: Any) -> Any:
        request = load(UpdateSchema(), data)
        return await self.service.update(principal, request["id"], request["data"], version=request.get("version"))

    async def on_delete(self, principal: Principal, data: Any) -> Any:
        request = load(DeleteSchema(), data)
        return await self.service.delete(principal, request["id"], version=request.get("version"))


class PatientsNamespace(RecordNamespace):
    resource = "patients"
    events = CRUD | {"search"}

    async def on_search(self, principal: Principal, data: Any) -> Any:
        return await self.app[services_key].patients.search(principal, data)


class DoctorsNamespace(RecordNamespace):
    resource = "doctors"


class AppointmentsNamespace(RecordNamespace):
    resource = "appointments"


NAMESPACES = {"/patients": PatientsNamespace, "/doctors": DoctorsNamespace, "/appointments": AppointmentsNamespace}
