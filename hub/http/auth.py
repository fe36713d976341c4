"""Login (OAuth2 password form or JSON), admin-only registration, and the current user."""

from __future__ import annotations

from aiohttp import web
from aiohttp.http_exceptions import HttpProcessingError

from hub.auth.permissions import require
from hub.errors import Malformed, Unauthorized
from hub.http.requests import json_body, json_response, principal
from hub.keys import config_key, services_key, throttle_key, tokens_key

FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


async def _credentials(request: web.Request) -> tuple[object, object]:
    if request.content_type in FORM_TYPES:
        try:
            form = await request.post()
        except (ValueError, HttpProcessingError):  # undecodable text, broken multipart
            raise Malformed("The form body cannot be read.") from None
        return form.get("username"), form.get("password")
    body = await json_body(request)
    if not isinstance(body, dict):
        raise Malformed("Send {\"email\", \"password\"} or an OAuth2 password form.")
    return body.get("email"), body.get("password")


async def login(request: web.Request) -> web.Response:
    """Throttled per account and per address (hub.auth.throttle): 429 + Retry-After while locked."""
    email, password = await _credentials(request)
    throttle = request.app[throttle_key]
    await throttle.check(email, request.remote)
    try:
        user = await request.app[services_key].users.authenticate(email, password)
    except Unauthorized:
        await throttle.failed(email, request.remote)
        raise
    await throttle.succeeded(email)
    token, lifetime = request.app[tokens_key].issue(user["id"], user["role"], sv=user.get("session_version", 0))
    idle = request.app[config_key].staff_idle_minutes if user["role"] != "display" else 0
    return json_response(
        {"access_token": token, "token_type": "bearer", "expires_in": lifetime, "idle_logoff_minutes": idle or None}
    )


async def register(request: web.Request) -> web.Response:
    who = await principal(request)
    require(who, "users", "create")
    created = await request.app[services_key].users.create(who, await json_body(request))
    return json_response(created, status=201)


async def me(request: web.Request) -> web.Response:
    who = await principal(request)
    user = await request.app[services_key].users.store.get("users", who.user_id)
    return json_response(request.app[services_key].users.schema().dump(user))


def auth_routes() -> list[web.RouteDef]:
    return [
        web.post("/auth/login", login),
        web.post("/auth/register", register),
        web.get("/auth/me", me, allow_head=False),
    ]
