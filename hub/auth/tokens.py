"""JWT issue and verification with a pinned algorithm (P2, P3).

Every token carries ``sub`` (a string), ``role``, ``iat``, ``exp``, ``iss``, ``aud`` and
``jti``. Verification accepts only the configured algorithm and requires all of them;
``exp`` and ``iat`` are checked with a small explicit leeway for clock skew. Expiry is
reported as ``token_expired`` (the client can refresh); every other failure is the same
generic ``invalid_token``, so the answer does not help an attacker.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import uuid
from typing import Any

import jwt

from hub.errors import Unauthorized

REQUIRED_CLAIMS = ("exp", "iat", "sub", "iss", "aud")


@dataclasses.dataclass(frozen=True)
class Claims:
    sub: str
    role: str
    exp: int
    jti: str
    raw: dict[str, Any]


@dataclasses.dataclass(frozen=True)
class TokenService:
    secret: str
    algorithm: str
    issuer: str
    audience: str
    leeway_seconds: int
    access_minutes: int

    def issue(
        self, sub: str, role: str, *, minutes: int | None = None, seconds: int | None = None, **extra: Any
    ) -> tuple[str, int]:
        """A signed token and its lifetime in seconds."""
        lifetime = seconds if seconds is not None else (minutes or self.access_minutes) * 60
        now = dt.datetime.now(dt.UTC)
        claims = {
            "sub": str(sub),
            "role": role,
            "iat": now,
            "exp": now + dt.timedelta(seconds=lifetime),
            "iss": self.issuer,
            "aud": self.audience,
            "jti": uuid.uuid4().hex,
            **extra,
        }
        return jwt.encode(claims, self.secret, algorithm=self.algorithm), lifetime

    def verify(self, token: Any) -> Claims:
        if not token:
            raise Unauthorized("A token is required.", code="missing_token")
        if not isinstance(token, str):
            raise Unauthorized(code="invalid_token")
        try:
            claims = jwt.decode(
                token,
                self.secret,
                algorithms=[self.algorithm],
                audience=self.audience,
                issuer=self.issuer,
                leeway=self.leeway_seconds,
                options={"require": list(REQUIRED_CLAIMS)},
            )
        except jwt.ExpiredSignatureError as exc:
            raise Unauthorized("The token has expired; log in again or refresh it.", code="token_expired") from exc
        except jwt.PyJWTError as exc:
            raise Unauthorized(code="invalid_token") from exc
        if not isinstance(claims.get("role"), str):
            raise Unauthorized(code="invalid_token")
        return Claims(sub=claims["sub"], role=claims["role"], exp=claims["exp"], jti=claims.get("jti", ""), raw=claims)
