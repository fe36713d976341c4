"""Running a marshmallow schema and turning its errors into ``Invalid``."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, ValidationError

from hub.errors import Invalid, Malformed


def string_keys(messages: Any) -> Any:
    """marshmallow keys list errors by int index; JSON wants string keys."""
    if isinstance(messages, dict):
        return {str(k): string_keys(v) for k, v in messages.items()}
    if isinstance(messages, list):
        return [string_keys(v) for v in messages]
    return messages


def load(schema: Schema, data: Any, *, partial: bool = False) -> dict[str, Any]:
    if not isinstance(data, dict):
        raise Malformed("Expected a JSON object.")
    try:
        return schema.load(data, partial=partial)
    except ValidationError as exc:
        raise Invalid(fields=string_keys(exc.messages)) from exc
