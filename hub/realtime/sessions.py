"""Who is connected as whom, on this instance: token refresh, expiry and revocation.

- ``refresh`` replaces a live socket's token (same account only).
- A socket whose token expires without refresh gets ``session_ended``
  ``{"code": "token_expired"}`` and is disconnected, within ``SWEEP_SECONDS`` of expiry.
- A change to an account (role, active flag, password: its ``session_version``) or its
  removal, seen on the store's change stream by every instance, ends all its sockets with
  ``{"code": "revoked"}``. Because every instance reads the change stream, this reaches
  sockets on all instances, whoever made the change.
"""

from __future__ import annotations

import asyncio
import collections
import logging
import time

import socketio

from hub.auth.permissions import Principal
from hub.store.changes import Change

log = logging.getLogger("hub.realtime")
SWEEP_SECONDS = 5.0
REVOKING_FIELDS = ("role", "active", "session_version", "doctor_id")
# An account stored before a field existed reads as its default (an unrelated edit that
# only fills in ``session_version: 0`` must not end the sessions).
FIELD_DEFAULTS = {"active": True, "session_version": 0}


def _field(account: dict, name: str) -> object:
    return account.get(name, FIELD_DEFAULTS.get(name))


class SocketSessions:
    def __init__(self, sio: socketio.AsyncServer, leeway_seconds: int) -> None:
        self.sio = sio
        self.leeway = leeway_seconds
        self.principals: dict[tuple[str, str], Principal] = {}
        self.by_user: dict[str, set[tuple[str, str]]] = collections.defaultdict(set)

    def add(self, namespace: str, sid: str, principal: Principal) -> None:
        self.principals[(namespace, sid)] = principal
        self.by_user[principal.user_id].add((namespace, sid))

    def remove(self, namespace: str, sid: str) -> None:
        principal = self.principals.pop((namespace, sid), None)
        if principal is not None:
            self.by_user[principal.user_id].discard((namespace, sid))
            if not self.by_user[principal.user_id]:
                del self.by_user[principal.user_id]

    async def end(self, key: tuple[str, str], code: str, message: str) -> None:
        namespace, sid = key
        self.remove(namespace, sid)
        log.info("ending socket %s on %s: %s", sid, namespace, code)
        await self.sio.emit("session_ended", {"code": code, "message": message}, to=sid, namespace=namespace, ignore_queue=True)
        await self.sio.disconnect(sid, namespace=namespace, ignore_queue=True)

    async def end_user(self, user_id: str, code: str, message: str) -> None:
        for key in list(self.by_user.get(user_id, ())):
            await self.end(key, code, message)

    async def on_change(self, change: Change) -> None:
        if change.table != "users" or change.type == "add":
            return
        old, new = change.old or {}, change.new
        if new is None or any(_field(old, f) != _field(new, f) for f in REVOKING_FIELDS):
            await self.end_user(change.id, "revoked", "Your account changed; log in again.")

    async def sweep_expired(self) -> None:
        now = time.time()
        for key, principal in list(self.principals.items()):
            if principal.expires_at and principal.expires_at + self.leeway < now:
                await self.end(key, "token_expired", "The token expired; refresh it or log in again.")

    async def run_sweeper(self) -> None:
        while True:
            await asyncio.sleep(SWEEP_SECONDS)
            try:
                await self.sweep_expired()
            except Exception:  # noqa: BLE001 - the sweeper must outlive any one failure
                log.exception("token expiry sweep failed")
