"""Filters accepted by ``GET /audit``."""

from __future__ import annotations

from typing import Any

from marshmallow import ValidationError, fields, validate, validates_schema

from hub.domain.fields import ClinicDateTime, Text
from hub.domain.queries import PageSchema

ID = validate.Regexp(r"^[A-Za-z0-9_.:-]{1,64}$", error="Not a record id.")


class AuditListSchema(PageSchema):
    user = Text(max_length=64)
    table = Text(max_length=64)
    record_id = fields.String(validate=ID)
    from_ = ClinicDateTime(data_key="from")
    to = ClinicDateTime()

    @validates_schema
    def _window(self, data: dict[str, Any], **_: Any) -> None:
        if "from_" in data and "to" in data and data["from_"] >= data["to"]:
            raise ValidationError("Must be after from.", "to")
