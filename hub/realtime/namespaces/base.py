"""The base namespace: authenticates on connect and is the single error edge for events.

Client events are dispatched to ``on_<event>(sid, principal, data)`` methods listed in
``events``; anything else is answered with ``unknown_event``. Every answer is an ack
envelope; a handler never crashes the connection and writes nothing when it fails.
"""

from __future__ import annotations

import logging
import time
from typing import Any, ClassVar

import orjson
import socketio
from aiohttp import web

from hub.auth.permissions import Principal, allowed
from hub.auth.principals import principal_from_token
from hub.errors import Forbidden, HubError, Malformed, TooLarge, Unauthorized, UnknownEvent
from hub.keys import config_key, registry_key, sessions_key, store_key, tokens_key
from hub.realtime.envelope import failure, ok, refusal
from hub.realtime.ratelimit import admit

log = logging.getLogger("hub.realtime")
LIFECYCLE = ("connect", "disconnect")


class HubNamespace(socketio.AsyncNamespace):
    resource: ClassVar[str]
    events: ClassVar[frozenset[str]]

    def __init__(self, namespace: str, app: web.Application) -> None:
        super().__init__(namespace)
        self.app = app

    @property
    def config(self):  # noqa: ANN201 - typed through the key
        return self.app[config_key]

    async def on_connect(self, sid: str, environ: dict[str, Any], auth: Any = None) -> None:
        try:
            token = auth.get("token") if isinstance(auth, dict) else None
            principal = await principal_from_token(self.app[tokens_key], self.app[store_key], token)
            if not allowed(principal, self.resource, "read"):
                raise Forbidden(f"Role {principal.role!r} may not use {self.namespace}.")
        except HubError as exc:
            log.info("connect to %s refused: %s", self.namespace, exc.code)
            raise refusal(exc) from None
        self.app[sessions_key].add(self.namespace, sid, principal)

    async def on_disconnect(self, sid: str, reason: str | None = None) -> None:
        self.app[sessions_key].remove(self.namespace, sid)
        self.app[registry_key].forget(sid, self.namespace)

    async def trigger_event(self, event: str, *args: Any) -> Any:
        # The server runs connect/disconnect while the socket is not (or no longer) connected;
        # a client *event* named "connect" or "disconnect" arrives connected and is unknown.
        if event in LIFECYCLE and not self.server.manager.is_connected(args[0], self.namespace):
            return await super().trigger_event(event, *args)
        sid, payload = args[0], args[1:]
        try:
            return ok(await self._dispatch(sid, event, payload))
        except Exception as exc:  # noqa: BLE001 - the edge: every failure becomes an envelope
            return failure(exc, event=str(event), namespace=self.namespace)

    async def _dispatch(self, sid: str, event: Any, payload: tuple[Any, ...]) -> Any:
        await admit(self, sid)  # per-socket rate limit (hub.realtime.ratelimit)
        if not isinstance(event, str) or event not in self.events:
            raise UnknownEvent(f"Unknown event {str(event)[:64]!r} in {self.namespace}.")
        if len(payload) > 1:
            raise Malformed("Send exactly one payload object.")
        data = payload[0] if payload else None
        self._check_size(data)
        if event == "refresh":  # allowed with an expired token: that is its purpose
            principal = self.app[sessions_key].principals.get((self.namespace, sid))
            if principal is None:
                raise Unauthorized("The session has ended; connect again.", code="invalid_token")
        else:
            principal = await self._principal(sid)
        return await getattr(self, f"on_{event}")(sid, principal, data)

    def _check_size(self, data: Any) -> None:
        limit = self.config.max_message_bytes
        try:
            size = len(orjson.dumps(data))
        except orjson.JSONEncodeError:  # binary attachments: socket.io allows them, our contract does not
            raise Malformed("Send JSON only; binary data is not accepted.") from None
        if size > limit:
            raise TooLarge(
                f"The message has {size} bytes; the limit is {limit}. Use the REST bulk import for large batches.",
                details={"limit": limit, "size": size},
            )

    async def _principal(self, sid: str) -> Principal:
        principal = self.app[sessions_key].principals.get((self.namespace, sid))
        if principal is None:
            raise Unauthorized("The session has ended; connect again.", code="invalid_token")
        if principal.expires_at and principal.expires_at + self.config.jwt_leeway_seconds < time.time():
            raise Unauthorized("The token has expired; refresh it.", code="token_expired")
        return principal

    async def on_refresh(self, sid: str, principal: Principal, data: Any) -> Any:
        """Replace this socket's token by a fresh one for the same account."""
        token = data.get("token") if isinstance(data, dict) else None
        fresh = await principal_from_token(self.app[tokens_key], self.app[store_key], token)
        if fresh.user_id != principal.user_id:
            raise Forbidden("A refresh token must belong to the same account.")
        self.app[sessions_key].add(self.namespace, sid, fresh)
        return {"expires_at": fresh.expires_at}
