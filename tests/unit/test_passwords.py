"""bcrypt used directly, with one policy for the 72-byte limit (P7, P8)."""

import bcrypt
import pytest

from hub.auth import passwords
from hub.auth.passwords import check_password, hash_password, policy_problems

OVER_LIMIT = "ñ" * 36 + "x"  # 73 bytes in UTF-8


def test_policy_password_over_72_bytes_is_refused_with_a_clear_message():
    assert len(OVER_LIMIT.encode()) == 73
    problems = policy_problems(OVER_LIMIT)
    assert any("72 bytes" in p for p in problems)


def test_policy_exactly_72_bytes_is_accepted():
    assert policy_problems("ñ" * 36) == []


@pytest.mark.parametrize("password", ["short", "", "123456789"])
def test_policy_shorter_than_minimum_is_refused(password):
    assert any("at least" in p for p in policy_problems(password))


@pytest.mark.parametrize("password", ["password123", "PASSWORD123", "Contraseña"])
def test_policy_common_password_is_refused(password):
    assert "Is too common." in policy_problems(password)


async def test_hash_then_check_right_password_matches():
    hashed = await hash_password("ñandú-correcto-42", 4)
    assert hashed.startswith("$2b$04$")
    assert await check_password("ñandú-correcto-42", hashed)
    assert not await check_password("ñandú-correcto-43", hashed)


async def test_check_password_over_72_bytes_is_false_not_an_error():
    hashed = await hash_password("ñ" * 36, 4)
    assert await check_password("ñ" * 36, hashed)
    assert not await check_password(OVER_LIMIT, hashed)


async def test_check_password_without_hash_is_false_using_the_dummy_hash():
    assert not await check_password("anything-at-all", None, 4)
    assert not await check_password("anything-at-all", "", 4)


@pytest.mark.parametrize("rounds", [4, 5])
def test_dummy_hash_is_well_formed_at_the_configured_cost(rounds):
    hashed = passwords.dummy_hash(rounds)
    assert hashed.startswith(f"$2b${rounds:02d}$")
    assert bcrypt.checkpw(b"not-the-password", hashed.encode()) is False


def test_bcrypt_itself_refuses_long_passwords_so_the_guard_is_needed():
    hashed = bcrypt.hashpw(b"x" * 10, bcrypt.gensalt(4))
    with pytest.raises(ValueError):
        bcrypt.checkpw(OVER_LIMIT.encode(), hashed)


def test_hub_uses_bcrypt_directly_without_passlib():
    import sys

    import hub.app  # noqa: F401 - everything the hub loads
    import hub.cli  # noqa: F401

    assert "passlib" not in sys.modules
