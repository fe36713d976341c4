"""``GET /audit``: the audit trail, for admins only (displays and other roles get 403)."""

from __future__ import annotations

from aiohttp import web

from hub.http.requests import json_response, principal, query_params
from hub.keys import services_key


async def audit_list(request: web.Request) -> web.Response:
    who = await principal(request)
    return json_response(await request.app[services_key].audit.list(who, query_params(request)))


def audit_routes() -> list[web.RouteDef]:
    return [web.get("/audit", audit_list, allow_head=False)]
