"""Waiting-room displays are accounts with the ``display`` role and a long-lived token.

Revoking one disables the account: its session version changes, so every instance's change
pump ends its sockets within seconds and the token is refused from then on.
"""

from __future__ import annotations

import re
import secrets
from typing import Any

from hub.auth.permissions import Principal
from hub.auth.tokens import TokenService
from hub.errors import Invalid
from hub.store.query import Query

SYSTEM = Principal(user_id="cli", role="admin")


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:30] or "display"


async def issue_display(services: Any, tokens: TokenService, name: str, days: int) -> tuple[dict[str, Any], str]:
    if not 1 <= days <= 3650:
        raise Invalid(fields={"days": ["Between 1 and 3650."]})
    account = await services.users.insert_account({
        "email": f"{_slug(name)}-{secrets.token_hex(3)}@displays.invalid",
        "first_name": name.strip()[:100] or "Display",
        "last_name": "Display",
        "role": "display",
        "password": secrets.token_urlsafe(32),
    })
    token, _ = tokens.issue(account["id"], "display", minutes=days * 24 * 60, sv=account.get("session_version", 0))
    return account, token


async def list_displays(services: Any) -> list[dict[str, Any]]:
    return await services.users.store.list("users", Query(equals={"role": "display"}))


async def revoke_display(services: Any, display_id: str) -> None:
    account = await services.users.store.get("users", display_id)
    if account.get("role") != "display":
        raise Invalid(fields={"id": ["Not a display account."]})
    await services.users.update(SYSTEM, display_id, {"active": False})
