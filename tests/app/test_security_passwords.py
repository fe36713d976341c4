"""One password policy for every way an account gets a password: /auth/register, PATCH /users, create-user."""

from __future__ import annotations

import pytest

from tests.app.test_cli import rows, run

WEAK = {
    "too_short": ("Short1!", "at least 10"),
    "common": ("Password123", "too common"),
    "over_72_bytes": ("ñ" * 36 + "x", "72 bytes"),
}


def account(password: str) -> dict:
    return {"email": "new@clinic.test", "first_name": "N", "last_name": "U", "role": "reception", "password": password}


@pytest.mark.parametrize("kind", WEAK)
async def test_register_refuses_a_password_against_the_policy_with_422(hub, kind):
    password, reason = WEAK[kind]
    admin = await hub.user("admin", email="boss@clinic.test")
    resp = await hub.http.post(f"{hub.url}/auth/register", json=account(password), headers=await hub.headers(admin))
    assert resp.status == 422
    error = (await resp.json())["error"]
    assert reason in " ".join(error["fields"]["password"])
    assert await hub.store.find("users", "email", "new@clinic.test") is None


@pytest.mark.parametrize("kind", WEAK)
async def test_password_change_is_held_to_the_same_policy(hub, kind):
    password, reason = WEAK[kind]
    admin = await hub.user("admin", email="boss@clinic.test")
    desk = await hub.user("reception", email="desk@clinic.test")
    resp = await hub.http.patch(f"{hub.url}/users/{desk['id']}", json={"password": password},
                                headers=await hub.headers(admin))
    assert resp.status == 422
    assert reason in " ".join((await resp.json())["error"]["fields"]["password"])
    assert (await hub.store.get("users", desk["id"]))["password_hash"] == desk["password_hash"]


async def test_register_accepts_a_password_within_the_policy(hub):
    admin = await hub.user("admin", email="boss@clinic.test")
    resp = await hub.http.post(f"{hub.url}/auth/register", json=account("ñ" * 36), headers=await hub.headers(admin))
    assert resp.status == 201
    assert "password" not in await resp.text()


@pytest.mark.parametrize("kind", WEAK)
def test_create_user_refuses_a_password_against_the_policy_with_exit_2(tmp_path, kind):
    password, reason = WEAK[kind]
    result = run(tmp_path, "create-user", "--email", "new@clinic.test", "--role", "admin", "--password-stdin",
                 stdin=password + "\n")
    assert result.returncode == 2
    assert reason in result.stderr
    assert password not in result.stdout + result.stderr
    assert rows(tmp_path, "users") == []
