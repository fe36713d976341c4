"""Every typed application key, in one place."""

from __future__ import annotations

import socketio
from aiohttp import web

from hub.auth.throttle import LoginThrottle
from hub.auth.tokens import TokenService
from hub.realtime.pump import ChangePump
from hub.realtime.ratelimit import SocketLimiter
from hub.realtime.registry import SubscriptionRegistry
from hub.realtime.sessions import SocketSessions
from hub.config import Config
from hub.services.registry import Services
from hub.store.base import Store

config_key = web.AppKey("config", Config)
store_key = web.AppKey("store", Store)
services_key = web.AppKey("services", Services)
tokens_key = web.AppKey("tokens", TokenService)
sio_key = web.AppKey("sio", socketio.AsyncServer)
first_admin_password_key = web.AppKey("first_admin_password", str)
registry_key = web.AppKey("registry", SubscriptionRegistry)
sessions_key = web.AppKey("sessions", SocketSessions)
pump_key = web.AppKey("pump", ChangePump)
throttle_key = web.AppKey("login_throttle", LoginThrottle)
socket_limiter_key = web.AppKey("socket_limiter", SocketLimiter)
