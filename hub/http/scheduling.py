"""REST for availability and the appointment lifecycle, on the scheduling service."""

from __future__ import annotations

from aiohttp import web

from hub.http.requests import json_body, json_response, principal, query_params
from hub.keys import services_key

LIFECYCLE = ("check_in", "recall", "start", "complete", "cancel", "no_show")


async def availability(request: web.Request) -> web.Response:
    who = await principal(request)
    params = {**query_params(request), "doctor_id": request.match_info["id"]}
    return json_response(await request.app[services_key].scheduling.availability(who, params))


async def lifecycle_event(request: web.Request) -> web.Response:
    who = await principal(request)
    body = await json_body(request) if request.can_read_body else {}
    payload = {**(body if isinstance(body, dict) else {}), "id": request.match_info["id"]}
    event = request.match_info["event"]
    return json_response(await request.app[services_key].scheduling.event(who, event, payload))


async def call_next(request: web.Request) -> web.Response:
    who = await principal(request)
    return json_response(await request.app[services_key].scheduling.call_next(who, await json_body(request)))


def scheduling_routes() -> list[web.RouteDef]:
    events = "|".join(LIFECYCLE)
    return [
        web.get("/doctors/{id}/availability", availability, allow_head=False),
        web.post("/appointments/call_next", call_next),
        web.post(f"/appointments/{{id}}/{{event:{events}}}", lifecycle_event),
    ]
