"""Every room name is built here: ``"<kind>:<id>[:<facet>]"``."""

from __future__ import annotations


def subscription_room(table: str, filter_key: str, view: str) -> str:
    """A live view of ``table`` restricted by a canonical filter, presented for ``view``."""
    return f"{table}:{filter_key}:{view}"


def user_room(user_id: str) -> str:
    return f"user:{user_id}"
