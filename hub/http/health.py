"""Liveness and readiness."""

from __future__ import annotations

from aiohttp import web

from hub.keys import store_key
from hub.store.cache import CachingStore


async def healthz(request: web.Request) -> web.Response:
    return web.json_response({"status": "ok"})


async def readyz(request: web.Request) -> web.Response:
    store = request.app[store_key]
    up = await store.ping()
    body = {"status": "ready" if up else "unavailable", "store": {"backend": store.backend, "up": up}}
    if isinstance(store, CachingStore):  # informational: a cache that is down does not make us unready
        body["cache"] = store.stats()
    return web.json_response(body, status=200 if up else 503)


def health_routes() -> list[web.RouteDef]:
    return [web.get("/healthz", healthz), web.get("/readyz", readyz)]
