"""Every typed application key, in one place."""

from __future__ import annotations

import socketio
from aiohttp import web

from hub.auth.tokens import TokenService
from hub.config import Config
from hub.services.registry import Services
from hub.store.base import Store

config_key = web.AppKey("config", Config)
store_key = web.AppKey("store", Store)
services_key = web.AppKey("services", Services)
tokens_key = web.AppKey("tokens", TokenService)
sio_key = web.AppKey("sio", socketio.AsyncServer)
first_admin_password_key = web.AppKey("first_admin_password", str)
