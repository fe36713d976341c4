"""The base schema: strict about unknown keys, told the clinic's zone and ID formats."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from marshmallow import RAISE, Schema, fields

from hub.domain.fields import ClinicDateTime


class HubSchema(Schema):
    class Meta:
        unknown = RAISE

    def __init__(
        self, *, clinic_tz: ZoneInfo | None = None, id_formats: tuple[str, ...] = ("es",), **kwargs: Any
    ) -> None:
        self.clinic_tz = clinic_tz or ZoneInfo("UTC")
        self.id_formats = id_formats
        super().__init__(**kwargs)


class RecordSchema(HubSchema):
    """Fields every stored record has; the server sets them, clients may not send them."""

    id = fields.String(dump_only=True)
    version = fields.Integer(dump_only=True)
    created_at = ClinicDateTime(dump_only=True)
    updated_at = ClinicDateTime(dump_only=True)
