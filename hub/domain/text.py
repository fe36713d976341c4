"""Text folding for accent- and case-insensitive search (P16)."""

from __future__ import annotations

import unicodedata


def fold(text: str) -> str:
    """'José Ñúñez' -> 'jose nunez': decompose, drop combining marks, casefold."""
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(stripped.casefold().split())


def search_terms(query: str) -> list[str]:
    """The folded words of a query; every one must match for a record to be found."""
    return fold(query).split()
