"""From a bearer token to the Principal acting: the token must verify and its account must
still exist and be active; the role comes from the account, not from the token."""

from __future__ import annotations

from typing import Any

from hub.auth.permissions import Principal
from hub.auth.tokens import TokenService
from hub.errors import NotFound, Unauthorized
from hub.store.base import Store


async def principal_from_token(tokens: TokenService, store: Store, token: Any) -> Principal:
    claims = tokens.verify(token)
    try:
        user = await store.get("users", claims.sub)
    except NotFound:
        raise Unauthorized(code="invalid_token") from None
    if not user.get("active", True):
        raise Unauthorized("The account is disabled.", code="invalid_token")
    if claims.raw.get("sv", 0) != user.get("session_version", 0):
        raise Unauthorized("The session was ended by an account change; log in again.", code="invalid_token")
    return Principal(
        user_id=user["id"],
        role=user["role"],
        doctor_id=user.get("doctor_id"),
        token_id=claims.jti,
        expires_at=claims.exp,
    )
