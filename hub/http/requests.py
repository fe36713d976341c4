"""Reading who is calling and what they sent."""

from __future__ import annotations

import dataclasses
from typing import Any

import orjson
from aiohttp import web

from hub.auth.permissions import Principal
from hub.auth.principals import principal_from_token
from hub.errors import Malformed, TooLarge
from hub.keys import config_key, store_key, tokens_key


async def principal(request: web.Request) -> Principal:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer":
        token = ""
    found = await principal_from_token(request.app[tokens_key], request.app[store_key], token.strip())
    return dataclasses.replace(found, client=request.remote)


async def json_body(request: web.Request) -> Any:
    try:
        raw = await request.read()
    except web.HTTPRequestEntityTooLarge:
        limit = request.app[config_key].max_message_bytes
        raise TooLarge(f"The body is larger than {limit} bytes.", details={"limit": limit}) from None
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError:
        raise Malformed("The body is not valid JSON.") from None


def query_params(request: web.Request) -> dict[str, str]:
    """Query string as a flat dict; a repeated key keeps its last value."""
    return {key: request.query.getall(key)[-1] for key in request.query}


def json_response(data: Any, status: int = 200) -> web.Response:
    return web.Response(body=orjson.dumps(data), status=status, content_type="application/json")
