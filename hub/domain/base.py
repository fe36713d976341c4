"""The base schema: strict about unknown keys, told the clinic's zone and ID formats."""

from __future__ import annotations

import functools
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from marshmallow import RAISE, Schema, fields

from hub.domain.fields import ClinicDateTime


S = TypeVar("S", bound=Schema)


@functools.lru_cache(maxsize=128)
def shared_schema(schema_class: type[S], **options: Any) -> S:
    """One instance per schema class and options. Building a marshmallow schema deep-copies
    its declared fields (a tenth of a create's CPU, bench/); ours keep no state between
    loads and dumps, so one instance serves every request. Options must be hashable."""
    return schema_class(**options)


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
