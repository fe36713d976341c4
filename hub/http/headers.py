"""Security headers on every HTTP response (API, docs, web client, static files, socket.io).

One strict Content-Security-Policy for everything: scripts, styles, connections and forms
only from the hub itself, images also as ``data:``, no framing, no ``<base>``. The
``/docs`` page (Swagger UI) renders under it too: its bootstrap is an external script and
the bundle sets styles through the DOM, which the policy allows (tests/browser checks it).
Nothing but static assets may be cached: answers carry patient data.
"""

from __future__ import annotations

from aiohttp import web

CSP = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "connect-src": "'self' ws: wss:",
    "frame-ancestors": "'none'",
    "base-uri": "'none'",
    "form-action": "'self'",
}
POLICY = "; ".join(f"{name} {value}" for name, value in CSP.items())
STATIC_PREFIXES = ("/docs/static/",)
HEADERS = {
    "Content-Security-Policy": POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
}


async def security_headers(request: web.Request, response: web.StreamResponse) -> None:
    """An ``on_response_prepare`` signal: it sees every response, errors and websockets too."""
    response.headers.update(HEADERS)
    if not request.path.startswith(STATIC_PREFIXES):
        response.headers["Cache-Control"] = "no-store"
    if request.secure:
        response.headers["Strict-Transport-Security"] = "max-age=31536000"
