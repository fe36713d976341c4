"""The ack envelope, and the one place where errors become wire errors for sockets."""

from __future__ import annotations

import logging
import uuid
from typing import Any

from hub.errors import HubError

log = logging.getLogger("hub.realtime")


def ok(data: Any) -> dict[str, Any]:
    return {"ok": True, "data": data}


def failure(exc: BaseException, *, event: str, namespace: str) -> dict[str, Any]:
    if isinstance(exc, HubError):
        log.info("event %s%s refused: %s", namespace, event, exc.code)
        return {"ok": False, "error": exc.to_payload()}
    incident = uuid.uuid4().hex[:12]
    log.exception("event %s%s failed (incident %s)", namespace, event, incident)
    return {
        "ok": False,
        "error": {"code": "internal", "message": f"Internal error (incident {incident}).", "incident": incident},
    }


def refusal(exc: HubError) -> ConnectionRefusedError:
    """What the client sees as connect_error: err.message is the code, err.data the payload."""
    return ConnectionRefusedError(exc.code, {"code": exc.code, "message": exc.message})
