"""Security headers on every HTTP response, no caching of data, and error answers that reveal nothing."""

from __future__ import annotations

from aiohttp import web

from hub.http.errors import error_middleware
from hub.http.headers import security_headers
from tests.app.support import login
from tests.conftest import PASSWORD

STRICT = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
          "connect-src 'self' ws: wss:; frame-ancestors 'none'; base-uri 'none'; form-action 'self'")


def assert_security_headers(resp, path):
    assert resp.headers["X-Content-Type-Options"] == "nosniff", path
    assert resp.headers["Referrer-Policy"] == "no-referrer", path
    assert resp.headers["X-Frame-Options"] == "DENY", path
    csp = resp.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in csp and "script-src 'self';" in csp, path
    assert "unsafe" not in csp, path
    assert "Set-Cookie" not in resp.headers, path


async def fetch(hub, method, path, **kwargs):
    resp = await hub.http.request(method, f"{hub.url}{path}", **kwargs)
    await resp.read()
    return resp


async def test_every_kind_of_response_carries_the_security_headers(clinic):
    hub, admin = clinic.hub, clinic.headers("admin")
    cases = [
        ("GET", "/patients", {"headers": admin}, 200),
        ("GET", f"/patients/{clinic.patient['id']}", {"headers": admin}, 200),
        ("GET", "/patients", {}, 401),
        ("GET", "/patients/no-such", {"headers": admin}, 404),
        ("GET", "/no/such/route", {}, 404),
        ("DELETE", "/auth/login", {}, 405),
        ("POST", "/patients", {"headers": admin, "data": b"{", "skip_auto_headers": ["Content-Type"]}, 400),
        ("GET", "/healthz", {}, 200),
        ("GET", "/openapi.json", {}, 200),
        ("GET", "/docs", {}, 200),
        ("GET", "/docs/static/swagger-ui-bundle.js", {}, 200),
        ("GET", "/socket.io/?EIO=4&transport=polling", {}, 200),
    ]
    for method, path, kwargs, status in cases:
        resp = await fetch(hub, method, path, **kwargs)
        assert resp.status == status, (path, resp.status)
        assert_security_headers(resp, path)


async def test_api_answers_are_never_cached_but_static_assets_may_be(clinic):
    hub, admin = clinic.hub, clinic.headers("admin")
    for path in ("/patients", f"/patients/{clinic.patient['id']}", "/auth/me", "/openapi.json"):
        resp = await fetch(hub, "GET", path, headers=admin)
        assert resp.content_type == "application/json"
        assert resp.headers["Cache-Control"] == "no-store", path
    resp = await login(hub, "admin@clinic.test", PASSWORD)
    assert resp.headers["Cache-Control"] == "no-store"
    polling = await fetch(hub, "GET", "/socket.io/?EIO=4&transport=polling")
    assert polling.headers["Cache-Control"] == "no-store"
    asset = await fetch(hub, "GET", "/docs/static/swagger-ui.css")
    assert "no-store" not in asset.headers.get("Cache-Control", "")


async def test_every_page_gets_the_same_strict_policy_docs_included(clinic):
    hub = clinic.hub
    for path in ("/patients", "/healthz", "/docs", "/docs/init.js", "/socket.io/?EIO=4&transport=polling"):
        assert (await fetch(hub, "GET", path, headers=clinic.headers("admin"))).headers["Content-Security-Policy"] == STRICT


async def test_websocket_handshake_carries_the_security_headers(clinic):
    hub = clinic.hub
    async with hub.http.ws_connect(f"{hub.url}/socket.io/?EIO=4&transport=websocket") as ws:
        assert ws._response.headers["X-Frame-Options"] == "DENY"
        assert ws._response.headers["Content-Security-Policy"] == STRICT


# -- errors say nothing about the inside ------------------------------------------------------
async def test_an_unexpected_error_is_a_generic_500_without_trace_or_detail(aiohttp_client, caplog):
    async def explode(request):
        raise RuntimeError("db password is hunter2 at /srv/secret/config.py line 12")

    app = web.Application(middlewares=[error_middleware])
    app.on_response_prepare.append(security_headers)
    app.router.add_get("/explode", explode)
    client = await aiohttp_client(app)
    resp = await client.get("/explode")
    assert resp.status == 500
    text = await resp.text()
    body = await resp.json()
    assert set(body["error"]) == {"code", "message", "incident"}
    assert body["error"]["code"] == "internal"
    assert body["error"]["message"] == f"Internal error (incident {body['error']['incident']})."
    for leak in ("hunter2", "RuntimeError", "Traceback", "secret", ".py"):
        assert leak not in text
    assert resp.headers["Cache-Control"] == "no-store"
    logged = [r for r in caplog.records if body["error"]["incident"] in r.getMessage()]
    assert logged and logged[0].exc_info  # the detail goes to the log, with the incident id


async def test_refusals_carry_a_code_and_a_safe_message_only(clinic):
    hub = clinic.hub
    resp = await fetch(hub, "GET", "/patients/no-such", headers=clinic.headers("admin"))
    body = await resp.json()
    assert set(body["error"]) == {"code", "message"}
    assert "Traceback" not in await resp.text() and "sqlite" not in (await resp.text()).lower()
