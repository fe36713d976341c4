"""The ack envelope, and the one place where errors become wire errors for sockets."""

from __future__ import annotations

import logging
import uuid
from typing import Any

from socketio.exceptions import ConnectionRefusedError as SocketRefusal

from hub.errors import HubError

log = logging.getLogger("hub.realtime")


def ok(data: Any) -> dict[str, Any]:
    return {"ok": True, "data": data}


def failure(exc: BaseException, *, event: str, namespace: str) -> dict[str, Any]:
    if isinstance(exc, HubError):
        log.info("event %s %.64r refused: %s", namespace, event, exc.code)
        return {"ok": False, "error": exc.to_payload()}
    incident = uuid.uuid4().hex[:12]
    log.exception("event %s %.64r failed (incident %s)", namespace, event, incident)
    return {
        "ok": False,
        "error": {"code": "internal", "message": f"Internal error (incident {incident}).", "incident": incident},
    }


def refusal(exc: HubError) -> SocketRefusal:
    """What the client sees as connect_error: err.message is the code, err.data the payload.

    It must be python-socketio's exception: the built-in ConnectionRefusedError is answered
    with a generic "Connection refused by server" and the code is lost."""
    return SocketRefusal(exc.code, {"code": exc.code, "message": exc.message})
