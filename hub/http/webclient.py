"""The browser screens: pages and static files from ``web_client/``, and the settings a page needs.

Pages and scripts are revalidated on every load (``no-cache``), so a kiosk that reloads after
an upgrade gets the new client; aiohttp answers conditional requests with 304.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable, Callable
from pathlib import Path

from aiohttp import web

from hub.keys import config_key

log = logging.getLogger("hub.http")
WEB_CLIENT = Path(__file__).resolve().parents[2] / "web_client"
PAGES = {"/": "index.html", "/reception": "reception.html", "/doctor": "doctor.html", "/display": "display.html"}
STATIC_DIRS = ("js", "css", "img", "vendor")
SAFE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")
NO_CACHE = {"Cache-Control": "no-cache"}


def _page(name: str) -> Callable[[web.Request], Awaitable[web.StreamResponse]]:
    async def page(request: web.Request) -> web.StreamResponse:
        return web.FileResponse(WEB_CLIENT / name, headers=NO_CACHE)

    return page


async def client_settings(request: web.Request) -> web.Response:
    """Public, non-secret settings: the clinic's zone decides what "today" and "10:00" mean."""
    config = request.app[config_key]
    return web.json_response({"timezone": config.timezone.key}, headers=NO_CACHE)


async def static_file(request: web.Request) -> web.StreamResponse:
    """``/static/{js|css|vendor}/{name}``: one flat folder each, no dot-files, nothing outside."""
    folder, name = request.match_info["folder"], request.match_info["name"]
    path = WEB_CLIENT / folder / name
    if folder not in STATIC_DIRS or not SAFE_NAME.fullmatch(name) or not path.is_file():
        raise web.HTTPNotFound()
    return web.FileResponse(path, headers=NO_CACHE)


def webclient_routes() -> list[web.RouteDef]:
    if not (WEB_CLIENT / "index.html").is_file():  # an install without the client: API only
        log.warning("web client not found at %s; the screens are not served", WEB_CLIENT)
        return []
    routes = [web.get(path, _page(name), allow_head=False) for path, name in PAGES.items()]
    routes.append(web.get("/client-settings", client_settings, allow_head=False))
    routes.append(web.get("/static/{folder}/{name}", static_file, allow_head=False))
    return routes
