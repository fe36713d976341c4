"""CRUD and live-subscription namespaces for patients, doctors and appointments."""

from __future__ import annotations

import asyncio
from typing import Any

from hub.auth.permissions import Principal
from hub.domain.base import shared_schema
from hub.domain.queries import DeleteSchema, IdSchema, UpdateSchema
from hub.errors import Unavailable
from hub.keys import pump_key, registry_key, services_key
from hub.realtime.filters import parse_filter, view_for
from hub.realtime.namespaces.base import HubNamespace
from hub.services.records import RecordService
from hub.services.validation import load

CRUD = frozenset({"create", "get", "get_many", "list", "update", "delete"})
LIVE = frozenset({"subscribe", "unsubscribe", "refresh"})
READY_WAIT_SECONDS = 5.0


class RecordNamespace(HubNamespace):
    events = CRUD | LIVE

    @property
    def service(self) -> RecordService:
        return self.app[services_key].for_table(self.resource)

    async def on_create(self, sid: str, principal: Principal, data: Any) -> Any:
        return await self.service.create(principal, data)

    async def on_get(self, sid: str, principal: Principal, data: Any) -> Any:
        return await self.service.get(principal, load(shared_schema(IdSchema), data)["id"])

    async def on_get_many(self, sid: str, principal: Principal, data: Any) -> Any:
        return await self.service.get_many(principal, data)

    async def on_list(self, sid: str, principal: Principal, data: Any) -> Any:
        return await self.service.list(principal, {} if data is None else data)

    async def on_update(self, sid: str, principal: Principal, data: Any) -> Any:
        request = load(shared_schema(UpdateSchema), data)
        return await self.service.update(principal, request["id"], request["data"], version=request.get("version"))

    async def on_delete(self, sid: str, principal: Principal, data: Any) -> Any:
        request = load(shared_schema(DeleteSchema), data)
        return await self.service.delete(principal, request["id"], version=request.get("version"))

    async def on_subscribe(self, sid: str, principal: Principal, data: Any) -> Any:
        """``{...filter keys, "cursor"?}`` -> snapshot (or missed changes) and a cursor."""
        raw = dict(data) if isinstance(data, dict) else data
        cursor = raw.pop("cursor", None) if isinstance(raw, dict) else None
        flt = parse_filter(self.resource, raw, self.config.timezone, principal)
        await self._pump_ready()
        registry = self.app[registry_key]
        return await registry.subscribe(sid, self.namespace, flt, view_for(principal, self.resource), cursor)

    async def on_unsubscribe(self, sid: str, principal: Principal, data: Any) -> Any:
        name = data.get("subscription") if isinstance(data, dict) else None
        return await self.app[registry_key].unsubscribe(sid, self.namespace, name)

    async def _pump_ready(self) -> None:
        try:
            await asyncio.wait_for(self.app[pump_key].ready.wait(), READY_WAIT_SECONDS)
        except TimeoutError:
            raise Unavailable("Live updates are reconnecting to the store; try again shortly.") from None


class PatientsNamespace(RecordNamespace):
    resource = "patients"
    events = CRUD | LIVE | {"search"}

    async def on_search(self, sid: str, principal: Principal, data: Any) -> Any:
        return await self.app[services_key].patients.search(principal, data)


class DoctorsNamespace(RecordNamespace):
    resource = "doctors"


class AppointmentsNamespace(RecordNamespace):
    resource = "appointments"
    events = CRUD | LIVE | {"availability", "call_next", "recall", "check_in", "start", "complete", "cancel", "no_show"}

    @property
    def scheduling(self):  # noqa: ANN201 - SchedulingService
        return self.app[services_key].scheduling

    async def on_availability(self, sid: str, principal: Principal, data: Any) -> Any:
        return await self.scheduling.availability(principal, data)

    async def on_call_next(self, sid: str, principal: Principal, data: Any) -> Any:
        return await self.scheduling.call_next(principal, data)

    async def on_recall(self, sid: str, principal: Principal, data: Any) -> Any:
        return await self.scheduling.event(principal, "recall", data)

    async def on_check_in(self, sid: str, principal: Principal, data: Any) -> Any:
        return await self.scheduling.event(principal, "check_in", data)

    async def on_start(self, sid: str, principal: Principal, data: Any) -> Any:
        return await self.scheduling.event(principal, "start", data)

    async def on_complete(self, sid: str, principal: Principal, data: Any) -> Any:
        return await self.scheduling.event(principal, "complete", data)

    async def on_cancel(self, sid: str, principal: Principal, data: Any) -> Any:
        return await self.scheduling.event(principal, "cancel", data)

    async def on_no_show(self, sid: str, principal: Principal, data: Any) -> Any:
        return await self.scheduling.event(principal, "no_show", data)


class QueueNamespace(RecordNamespace):
    """The waiting-room queue: subscriptions only, presented without patient data."""

    resource = "queue"
    events = LIVE


NAMESPACES = {
    "/patients": PatientsNamespace,
    "/doctors": DoctorsNamespace,
    "/appointments": AppointmentsNamespace,
    "/queue": QueueNamespace,
}
