"""Accounts: registration by admins, login, and the first-run admin."""

from __future__ import annotations

import secrets
from typing import Any

from hub.auth import passwords
from hub.domain.queries import PageSchema
from hub.domain.users import UserSchema
from hub.errors import Invalid, NotFound, Unauthorized
from hub.services.records import RecordService
from hub.services.validation import load
from hub.store.base import Record

BAD_CREDENTIALS = "Wrong email or password."
# Changing any of these ends the account's sessions everywhere (tokens carry session_version).
SESSION_FIELDS = ("role", "active", "doctor_id", "password")


class UserListSchema(PageSchema):
    pass


class UserService(RecordService):
    table = "users"
    schema_class = UserSchema
    list_schema_class = UserListSchema

    async def prepare(self, record: Record) -> Record:
        """Replace a new password by its bcrypt hash, after checking the policy (P8)."""
        if "password" not in record:
            return record
        record = dict(record)
        password = record.pop("password")
        if problems := passwords.policy_problems(password):
            raise Invalid("The password does not meet the policy.", fields={"password": problems})
        record["password_hash"] = await passwords.hash_password(password, self.config.bcrypt_rounds)
        return record

    def _merge(self, current: Record, data: Record, replace: bool) -> Record:
        merged = super()._merge(current, data, replace)
        merged.setdefault("session_version", current.get("session_version", 0))
        if any(f in data and (f == "password" or data[f] != current.get(f)) for f in SESSION_FIELDS):
            merged["session_version"] = current.get("session_version", 0) + 1
        return merged

    async def check_references(self, record: Record) -> None:
        # A partial update skips the schema's cross-field rule; check it on the merged record.
        if record.get("role") == "doctor" and not record.get("doctor_id"):
            raise Invalid(fields={"doctor_id": ["A doctor account needs doctor_id."]})
        if record.get("role") != "doctor" and record.get("doctor_id"):
            raise Invalid(fields={"doctor_id": ["Only doctor accounts link to a doctor."]})
        if record.get("doctor_id"):
            try:
                await self.store.get("doctors", record["doctor_id"])
            except NotFound:
                raise Invalid(fields={"doctor_id": ["No such doctor."]}) from None

    async def insert_account(self, data: Record) -> Record:
        """Validate, hash and store an account without a caller; used by the CLI and first run."""
        record = await self.prepare(load(self.schema(), data))
        await self.check_references(record)
        return await self.store.insert(self.table, record)

    async def authenticate(self, email: Any, password: Any) -> Record:
        """The active account with these credentials, or one generic Unauthorized."""
        if not isinstance(email, str) or not isinstance(password, str):
            raise Unauthorized(BAD_CREDENTIALS, code="invalid_credentials")
        user = await self.store.find(self.table, "email", email.strip().lower())
        stored = user.get("password_hash") if user else None
        ok = await passwords.check_password(password, stored, self.config.bcrypt_rounds)
        if not (ok and user and user.get("active", True)):
            raise Unauthorized(BAD_CREDENTIALS, code="invalid_credentials")
        return user

    async def ensure_first_admin(self, email: str) -> str | None:
        """Create an admin when there is no user at all; return its generated password."""
        if await self.store.count(self.table, {}):
            return None
        password = secrets.token_urlsafe(12)
        await self.insert_account(
            {"email": email, "first_name": "Admin", "last_name": "Clinic", "role": "admin", "password": password}
        )
        return password
