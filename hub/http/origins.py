"""A log line for every socket.io connection refused for its Origin (P4).

python-socketio enforces ``cors_allowed_origins`` for polling and websocket alike, but
logs a refusal only the first time (then at INFO, below our level). This middleware
notes each one, after the fact, without deciding anything itself.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from aiohttp import web

log = logging.getLogger("hub.realtime")
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
REFUSAL = b"is not an accepted origin"


@web.middleware
async def origin_refusal_log(request: web.Request, handler: Handler) -> web.StreamResponse:
    response = await handler(request)
    if (
        response.status == 400
        and request.path.startswith("/socket.io")
        and isinstance(response, web.Response)
        and isinstance(response.body, bytes)
        and REFUSAL in response.body
    ):
        transport = request.query.get("transport", "?")[:16]
        log.warning("socket.io %s connection refused: origin %.200r is not allowed", transport, request.headers.get("Origin"))
    return response
