"""Filters accepted by ``list``/``search`` (socket events and REST query strings alike)."""

from __future__ import annotations

from typing import Any

from marshmallow import ValidationError, fields, validate, validates_schema

from hub.domain.appointments import STATUSES
from hub.domain.base import HubSchema
from hub.domain.fields import ClinicDateTime, Text


class PageSchema(HubSchema):
    skip = fields.Integer(validate=validate.Range(min=0, max=1_000_000), load_default=0)
    limit = fields.Integer(validate=validate.Range(min=1), load_default=50)

    def __init__(self, *, max_limit: int = 200, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.max_limit = max_limit

    @validates_schema
    def _limit_capped(self, data: dict[str, Any], **_: Any) -> None:
        if data.get("limit", 0) > self.max_limit:
            raise ValidationError(f"Must be at most {self.max_limit}.", "limit")


class PatientListSchema(PageSchema):
    pass


class PatientSearchSchema(PageSchema):
    q = Text(required=True, max_length=100)


class DoctorListSchema(PageSchema):
    specialty = Text(max_length=100)


class AppointmentListSchema(PageSchema):
    doctor_id = Text(max_length=64)
    patient_id = Text(max_length=64)
    status = fields.String(validate=validate.OneOf(STATUSES))
    date = fields.Date()
    from_ = ClinicDateTime(data_key="from")
    to = ClinicDateTime()

    @validates_schema
    def _one_time_window(self, data: dict[str, Any], **_: Any) -> None:
        if "date" in data and ("from_" in data or "to" in data):
            raise ValidationError("Use either date or from/to.", "date")
        if "from_" in data and "to" in data and data["from_"] >= data["to"]:
            raise ValidationError("Must be after from.", "to")


class IdSchema(HubSchema):
    id = Text(required=True, max_length=64)


class IdsSchema(HubSchema):
    """``get_many``: up to ``max_limit`` ids (the list page limit) in one request."""

    ids = fields.List(Text(max_length=64), required=True, validate=validate.Length(min=1))

    def __init__(self, *, max_limit: int = 200, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.max_limit = max_limit

    @validates_schema
    def _ids_capped(self, data: dict[str, Any], **_: Any) -> None:
        if len(data.get("ids", ())) > self.max_limit:
            raise ValidationError(f"At most {self.max_limit} ids per request.", "ids")


class UpdateSchema(HubSchema):
    id = Text(required=True, max_length=64)
    data = fields.Dict(required=True)
    version = fields.Integer(strict=True, validate=validate.Range(min=1))


class DeleteSchema(HubSchema):
    id = Text(required=True, max_length=64)
    version = fields.Integer(strict=True, validate=validate.Range(min=1))
