"""REST CRUD for patients, doctors and appointments, on the same services as the sockets."""

from __future__ import annotations

from aiohttp import web

from hub.errors import Invalid
from hub.http.requests import json_body, json_response, principal, query_params
from hub.keys import services_key
from hub.services.records import RecordService

RESOURCES = ("patients", "doctors", "appointments", "users")


def _if_match(request: web.Request) -> int | None:
    """``If-Match: 3`` (or ``"3"``) makes the write fail with 409 unless the version is 3."""
    raw = request.headers.get("If-Match")
    if raw is None:
        return None
    try:
        return int(raw.strip().strip('"'))
    except ValueError:
        raise Invalid(fields={"If-Match": ["Must be a record version number."]}) from None


class RecordRoutes:
    def __init__(self, resource: str) -> None:
        self.resource = resource

    def service(self, request: web.Request) -> RecordService:
        return request.app[services_key].for_table(self.resource)

    async def collection_get(self, request: web.Request) -> web.Response:
        found = await self.service(request).list(await principal(request), query_params(request))
        return json_response(found)

    async def collection_post(self, request: web.Request) -> web.Response:
        who = await principal(request)
        created = await self.service(request).create(who, await json_body(request))
        return json_response(created, status=201)

    async def item_get(self, request: web.Request) -> web.Response:
        return json_response(await self.service(request).get(await principal(request), request.match_info["id"]))

    async def item_put(self, request: web.Request) -> web.Response:
        return await self._write(request, replace=True)

    async def item_patch(self, request: web.Request) -> web.Response:
        return await self._write(request, replace=False)

    async def _write(self, request: web.Request, *, replace: bool) -> web.Response:
        who = await principal(request)
        body = await json_body(request)
        saved = await self.service(request).update(
            who, request.match_info["id"], body, version=_if_match(request), replace=replace
        )
        return json_response(saved)

    async def item_delete(self, request: web.Request) -> web.Response:
        who = await principal(request)
        removed = await self.service(request).delete(who, request.match_info["id"], version=_if_match(request))
        return json_response(removed)

    def routes(self) -> list[web.RouteDef]:
        base, item = f"/{self.resource}", f"/{self.resource}/{{id}}"
        return [
            web.get(base, self.collection_get, allow_head=False),
            web.post(base, self.collection_post),
            web.get(item, self.item_get, allow_head=False),
            web.put(item, self.item_put),
            web.patch(item, self.item_patch),
            web.delete(item, self.item_delete),
        ]


async def patient_search(request: web.Request) -> web.Response:
    who = await principal(request)
    return json_response(await request.app[services_key].patients.search(who, query_params(request)))


def record_routes() -> list[web.RouteDef]:
    routes = [web.get("/patients/search", patient_search, allow_head=False)]
    for resource in RESOURCES:
        routes.extend(RecordRoutes(resource).routes())
    return routes
