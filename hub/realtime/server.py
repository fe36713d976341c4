"""The Socket.IO server: fan-out manager injected, origins and sizes from the config."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator

import socketio
from aiohttp import web

from hub.config import Config
from hub.keys import config_key, pump_key, registry_key, services_key, sessions_key, sio_key, store_key
from hub.realtime import jsoncodec
from hub.realtime.engine import HubEngineServer, PlainWebSocket
from hub.realtime.namespaces.records import NAMESPACES
from hub.realtime.pump import ChangePump
from hub.realtime.registry import SubscriptionRegistry
from hub.realtime.sessions import SocketSessions

log = logging.getLogger("hub.realtime")
# The Valkey manager's one client both publishes and blocks reading the pub/sub channel.
# valkey-py's default 5 s socket timeout would end that read on every idle 5 s, and the
# listener would reconnect in a loop, logging errors and dropping what is published in
# between (P14). Reads wait as long as the channel is idle; a dead peer is found by TCP
# keepalive and a PING before the next read once the connection was idle for 30 s.
MANAGER_VALKEY_OPTIONS = {
    "socket_timeout": None,
    "socket_connect_timeout": 5,
    "socket_keepalive": True,
    "health_check_interval": 30,
}


def create_manager(config: Config) -> socketio.AsyncManager | None:
    """Valkey fan-out when configured; without it the hub runs as a single instance."""
    if not config.valkey_url:
        return None
    return socketio.AsyncRedisManager(
        config.valkey_url, channel=config.valkey_channel, redis_options=dict(MANAGER_VALKEY_OPTIONS)
    )


def cors_origins(config: Config) -> str | list[str] | None:
    """None: same origin only (python-socketio compares with the Host header)."""
    if "*" in config.allowed_origins:
        return "*"
    return list(config.allowed_origins) or None


class HubServer(socketio.AsyncServer):
    """Every client event must ask for an ack. One sent without it is logged and dropped
    unread: a client that cannot learn the outcome must never cause a write."""

    async def _handle_event(self, eio_sid: str, namespace: str | None, id: int | None, data: list) -> None:  # noqa: A002
        if id is None:
            log.info("event %.64r to %s sent without ack; ignored", data[0] if data else None, namespace or "/")
            return
        await super()._handle_event(eio_sid, namespace, id, data)

    def _engineio_server_class(self) -> type:
        return HubEngineServer


def create_sio(config: Config) -> socketio.AsyncServer:
    sio = HubServer(
        async_mode="aiohttp",
        client_manager=create_manager(config),
        cors_allowed_origins=cors_origins(config),
        max_http_buffer_size=config.max_transport_bytes,
        ping_interval=config.ping_interval_seconds,
        json=jsoncodec,
        logger=False,
        engineio_logger=False,
    )
    if not config.ws_compression:  # python-engineio takes its websocket class from this table only
        sio.eio._async = {**sio.eio._async, "websocket": PlainWebSocket}  # noqa: SLF001
    return sio


def setup_realtime(app: web.Application) -> None:
    config = app[config_key]
    sio = create_sio(config)
    for path, namespace_class in NAMESPACES.items():
        sio.register_namespace(namespace_class(path, app))
    sio.attach(app)
    app[sio_key] = sio
    app[sessions_key] = SocketSessions(sio, config.jwt_leeway_seconds)
    app.cleanup_ctx.append(realtime_ctx)


async def realtime_ctx(app: web.Application) -> AsyncIterator[None]:
    """Start the change pump and the expiry sweeper; stop them and the sockets on the way out."""
    config, sio = app[config_key], app[sio_key]
    registry = SubscriptionRegistry(sio, app[store_key], app[services_key].present_view, config.recovery_window_seconds)
    pump = ChangePump(app[store_key], registry, app[sessions_key])
    app[registry_key], app[pump_key] = registry, pump
    tasks = [
        asyncio.create_task(pump.run(), name="change-pump"),
        asyncio.create_task(pump.prune_history(config.recovery_window_seconds), name="history-pruner"),
        asyncio.create_task(app[sessions_key].run_sweeper(), name="expiry-sweeper"),
    ]
    yield
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    await sio.shutdown()
