"""bcrypt, used directly (P7: passlib 1.7.4 breaks with bcrypt >= 4.1).

Policy for bcrypt's 72-byte limit (P8): a password longer than 72 bytes in UTF-8 is
refused with a clear message when it is set. At login such a password can never match,
so it is answered like any wrong password, without handing it to bcrypt (which raises).
"""

from __future__ import annotations

import asyncio
import functools
import secrets

import bcrypt

MAX_BYTES = 72
MIN_LENGTH = 10
COMMON = frozenset(
    {
        "password123", "1234567890", "123456789a", "qwertyuiop", "contraseña", "contrasena1",
        "password1234", "administrador", "bienvenido1", "clinica123", "iloveyou12", "1q2w3e4r5t",
    }
)


def policy_problems(password: str) -> list[str]:
    """Why ``password`` may not be set; empty when it may."""
    problems = []
    if len(password) < MIN_LENGTH:
        problems.append(f"Must be at least {MIN_LENGTH} characters.")
    if len(password.encode("utf-8")) > MAX_BYTES:
        problems.append(f"Must be at most {MAX_BYTES} bytes in UTF-8 (bcrypt's limit); accented letters count as 2.")
    if password.casefold() in COMMON:
        problems.append("Is too common.")
    return problems


def _hash(password: str, rounds: int) -> str:
    return bcrypt.hashpw(password.encode("utf-8"), bcrypt.gensalt(rounds)).decode("ascii")


def _check(password: str, hashed: str) -> bool:
    encoded = password.encode("utf-8")
    if len(encoded) > MAX_BYTES or not hashed:
        return False
    return bcrypt.checkpw(encoded, hashed.encode("ascii"))


async def hash_password(password: str, rounds: int) -> str:
    """bcrypt is slow on purpose; run it off the event loop."""
    return await asyncio.to_thread(_hash, password, rounds)


async def check_password(password: str, hashed: str | None, rounds: int = 12) -> bool:
    """Without a stored hash (unknown email) a dummy one at the configured cost is checked,
    so the answer takes as long as for a known email with a wrong password."""
    if not hashed:
        hashed = await asyncio.to_thread(dummy_hash, rounds)
    return await asyncio.to_thread(_check, password, hashed)


@functools.cache
def dummy_hash(rounds: int) -> str:
    return _hash(secrets.token_urlsafe(16), rounds)
