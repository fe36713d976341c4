"""``create_app(config)``: the one way in. Wiring only."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator

from aiohttp import web

from hub.auth.throttle import create_login_throttle
from hub.auth.tokens import TokenService
from hub.config import Config
from hub.http.audit import audit_routes
from hub.http.auth import auth_routes
from hub.http.errors import error_middleware
from hub.http.headers import security_headers
from hub.http.health import health_routes
from hub.http.imports import import_routes
from hub.http.openapi import openapi_routes
from hub.http.origins import origin_refusal_log
from hub.http.records import record_routes
from hub.http.scheduling import scheduling_routes
from hub.http.webclient import webclient_routes
from hub.keys import (
    config_key,
    first_admin_password_key,
    services_key,
    socket_limiter_key,
    store_key,
    throttle_key,
    tokens_key,
)
from hub.realtime.ratelimit import SocketLimiter
from hub.realtime.server import setup_realtime
from hub.services.registry import create_services
from hub.store.factory import create_store, store_ctx_for

log = logging.getLogger("hub")


def create_token_service(config: Config) -> TokenService:
    return TokenService(
        secret=config.jwt_secret,
        algorithm=config.jwt_algorithm,
        issuer=config.jwt_issuer,
        audience=config.jwt_audience,
        leeway_seconds=config.jwt_leeway_seconds,
        access_minutes=config.access_token_minutes,
    )


async def first_run_ctx(app: web.Application) -> AsyncIterator[None]:
    """In development, an empty store gets an admin so a new user can log in at once."""
    config = app[config_key]
    if not config.production:
        password = await app[services_key].users.ensure_first_admin(config.admin_email)
        if password:
            app[first_admin_password_key] = password
    yield


async def limits_ctx(app: web.Application) -> AsyncIterator[None]:
    """The login throttle's Valkey connection and the socket limiter's pending disconnects."""
    yield
    await app[throttle_key].close()
    await app[socket_limiter_key].close()


def create_app(config: Config) -> web.Application:
    if not config.jwt_secret:
        raise ValueError("create_app needs a JWT secret; load_config + with_development_secret provide one")
    app = web.Application(middlewares=[error_middleware, origin_refusal_log], client_max_size=config.max_message_bytes)
    store = create_store(config)
    app[config_key] = config
    app[store_key] = store
    app[tokens_key] = create_token_service(config)
    app[services_key] = create_services(store, config)
    app[throttle_key] = create_login_throttle(config)
    app[socket_limiter_key] = SocketLimiter(config)
    app.on_response_prepare.append(security_headers)
    app.cleanup_ctx.append(store_ctx_for(store))
    app.cleanup_ctx.append(first_run_ctx)
    app.cleanup_ctx.append(limits_ctx)
    app.router.add_routes(import_routes() + audit_routes())
    app.router.add_routes(health_routes() + auth_routes() + scheduling_routes() + record_routes() + openapi_routes() + webclient_routes())
    setup_realtime(app)
    return app
