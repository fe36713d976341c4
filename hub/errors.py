"""Domain errors. Raised anywhere inside the hub, translated once at each edge.

Every error carries a stable machine-readable ``code``, a human ``message`` that is safe
to show to a client, optional field-keyed ``fields`` (marshmallow's messages) and the
HTTP ``status`` the REST edge answers with.
"""

from __future__ import annotations

from typing import Any


class HubError(Exception):
    code = "internal"
    status = 500
    default_message = "Internal error."

    def __init__(
        self,
        message: str | None = None,
        *,
        fields: dict[str, Any] | None = None,
        code: str | None = None,
        details: dict[str, Any] | None = None,
    ) -> None:
        self.message = message or self.default_message
        self.fields = fields
        self.details = details
        if code is not None:
            self.code = code
        super().__init__(self.message)

    def to_payload(self) -> dict[str, Any]:
        payload: dict[str, Any] = {"code": self.code, "message": self.message}
        if self.fields:
            payload["fields"] = self.fields
        if self.details:
            payload.update(self.details)
        return payload


class Malformed(HubError):
    """The request could not be parsed at all (bad JSON, not an object)."""

    code = "malformed"
    status = 400
    default_message = "The request body is not valid JSON of the expected shape."


class Invalid(HubError):
    """The request parsed but failed validation; ``fields`` says where."""

    code = "invalid"
    status = 422
    default_message = "Some fields are invalid."


class Unauthorized(HubError):
    """No valid credential. ``code`` is one of the connect refusal codes."""

    code = "invalid_token"
    status = 401
    default_message = "Authentication failed."


class Forbidden(HubError):
    code = "forbidden"
    status = 403
    default_message = "You are not allowed to do this."


class NotFound(HubError):
    code = "not_found"
    status = 404
    default_message = "No such record."


class Conflict(HubError):
    code = "conflict"
    status = 409
    default_message = "The request conflicts with stored data."


class TooLarge(HubError):
    code = "too_large"
    status = 413
    default_message = "The message is larger than allowed."


class UnknownEvent(HubError):
    code = "unknown_event"
    status = 400
    default_message = "Unknown event."


class Unavailable(HubError):
    code = "unavailable"
    status = 503
    default_message = "A backing service is unavailable; try again shortly."


class RateLimited(HubError):
    """Too many attempts or events; ``retry_after`` says, in seconds, when to try again."""

    code = "rate_limited"
    status = 429
    default_message = "Too many requests; wait and try again."

    def __init__(self, message: str | None = None, *, retry_after: float) -> None:
        self.retry_after = max(retry_after, 0.0)
        super().__init__(message, details={"retry_after": round(self.retry_after, 3)})


class ConfigError(Exception):
    """The configuration is invalid; ``problems`` lists every reason."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("; ".join(problems))


class InvalidTransition(HubError):
    """The appointment cannot move from its current state to the one asked for."""

    code = "invalid_transition"
    status = 409
    default_message = "That change of state is not allowed."
