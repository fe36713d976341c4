"""National ID normalization and validation (P17).

``es``: Spanish DNI (8 digits + check letter) and NIE (X/Y/Z + 7 digits + check letter).
``generic``: any 4-20 letters and digits, for other countries' documents.
Normalization removes spaces, dots and hyphens and upper-cases, so ``12345678-z`` and
`` 12345678z `` are both stored as ``12345678Z``.
"""

from __future__ import annotations

import re
import unicodedata

CHECK_LETTERS = "TRWAGMYFPDXBNJZSQVHLCKE"
# ASCII only: in Python, \d also matches other scripts' digits, which would store the same
# person under a second "canonical" form.
DNI = re.compile(r"^(\d{8})([A-Z])$", re.ASCII)
NIE = re.compile(r"^([XYZ])(\d{7})([A-Z])$", re.ASCII)
GENERIC = re.compile(r"^[A-Z0-9]{4,20}$", re.ASCII)
SEPARATORS = re.compile(r"[\s.\-/]+")


class NationalIdError(ValueError):
    pass


def normalize(raw: str) -> str:
    """NFKC first, so full-width ``１２３４５６７８Ｚ`` (phone keyboards, PDFs) becomes ``12345678Z``."""
    return SEPARATORS.sub("", unicodedata.normalize("NFKC", raw)).upper()


def check_letter(number: int) -> str:
    return CHECK_LETTERS[number % 23]


def _spanish(value: str) -> str | None:
    """None when the value is not DNI/NIE-shaped; raises when shaped but wrong."""
    if m := DNI.match(value):
        digits, letter = m.groups()
    elif m := NIE.match(value):
        prefix, rest, letter = m.groups()
        digits = str("XYZ".index(prefix)) + rest
    else:
        return None
    expected = check_letter(int(digits))
    if letter != expected:
        raise NationalIdError(f"Wrong check letter: expected {expected} for this number.")
    return value


def validate(raw: str, formats: tuple[str, ...] = ("es",)) -> str:
    """Return the canonical form of ``raw`` or raise NationalIdError with a clear message."""
    value = normalize(raw)
    if not value:
        raise NationalIdError("Must not be blank.")
    if "es" in formats and _spanish(value) is not None:
        return value
    if "generic" in formats and GENERIC.match(value):
        return value
    if formats == ("es",):
        raise NationalIdError("Not a Spanish DNI (12345678Z) or NIE (X1234567L).")
    raise NationalIdError(f"Not a valid national ID for the accepted formats: {', '.join(formats)}.")
