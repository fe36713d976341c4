"""marshmallow fields shared by the schemas: trimmed text, clinic-local datetimes, national IDs."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from marshmallow import ValidationError, fields, validate

from hub.domain import clock, national_id


class Text(fields.String):
    """A string that is trimmed; blank after trimming is refused unless ``allow_blank`` (P10)."""

    def __init__(self, *, max_length: int = 200, allow_blank: bool = False, **kwargs: Any) -> None:
        self.allow_blank = allow_blank
        super().__init__(validate=validate.Length(max=max_length), **kwargs)

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        text = super()._deserialize(value, attr, data, **kwargs).strip()
        if not text and not self.allow_blank:
            raise ValidationError("Must not be blank.")
        return text


class ClinicDateTime(fields.AwareDateTime):
    """ISO 8601 in; aware UTC out. A time without offset is read in the clinic's zone."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> dt.datetime:
        parsed = fields.DateTime._deserialize(self, value, attr, data, **kwargs)
        try:
            return clock.to_utc(parsed, clinic_zone(self))
        except clock.LocalTimeError as exc:
            raise ValidationError(str(exc)) from exc

    def _serialize(self, value: Any, attr: str | None, obj: Any, **kwargs: Any) -> str | None:
        if value is None:
            return None
        return value.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")


class NationalId(fields.String):
    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        raw = super()._deserialize(value, attr, data, **kwargs)
        try:
            return national_id.validate(raw, getattr(self.root, "id_formats", ("es",)))
        except national_id.NationalIdError as exc:
            raise ValidationError(str(exc)) from exc


class Email(fields.Email):
    """Emails are trimmed and compared case-insensitively, so they are stored lower-case."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        if isinstance(value, str):
            value = value.strip().lower()
        return super()._deserialize(value, attr, data, **kwargs)


def clinic_zone(field: fields.Field) -> ZoneInfo:
    return getattr(field.root, "clinic_tz", ZoneInfo("UTC"))


STRICT_INT = {"strict": True}
