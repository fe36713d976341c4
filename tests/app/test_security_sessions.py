"""Account changes end sessions everywhere: a new password, a new role or disabling the account
makes the old token useless over REST and at connect, and ends the sockets already open."""

from __future__ import annotations

import asyncio

import pytest

from tests.app.support import login, refusal, settle, status_of
from tests.conftest import PASSWORD

CHANGES = {
    "password": {"password": "a-brand-new-passphrase"},
    "role": {"role": "admin"},
    "disabled": {"active": False},
}


async def patch_user(hub, admin, user, data):
    resp = await hub.http.patch(f"{hub.url}/users/{user['id']}", json=data, headers=await hub.headers(admin))
    assert resp.status == 200, await resp.text()
    await resp.read()


async def logged_in_token(hub, email):
    resp = await hub.http.post(f"{hub.url}/auth/login", json={"email": email, "password": PASSWORD})
    assert resp.status == 200
    return (await resp.json())["access_token"]


@pytest.mark.parametrize("change", CHANGES)
async def test_account_change_refuses_the_old_token_over_rest(hub, change):
    admin = await hub.user("admin", email="boss@clinic.test")
    desk = await hub.user("reception", email="desk@clinic.test")
    token = await logged_in_token(hub, "desk@clinic.test")
    bearer = {"Authorization": f"Bearer {token}"}
    assert await status_of(hub.http.get(f"{hub.url}/patients", headers=bearer)) == 200
    await patch_user(hub, admin, desk, CHANGES[change])
    resp = await hub.http.get(f"{hub.url}/patients", headers=bearer)
    assert resp.status == 401
    assert (await resp.json())["error"]["code"] == "invalid_token"


@pytest.mark.parametrize("change", CHANGES)
async def test_account_change_refuses_the_old_token_at_socket_connect(hub, change):
    admin = await hub.user("admin", email="boss@clinic.test")
    desk = await hub.user("reception", email="desk@clinic.test")
    token = await logged_in_token(hub, "desk@clinic.test")
    await patch_user(hub, admin, desk, CHANGES[change])
    assert (await refusal(hub, "/patients", {"token": token}))["message"] == "invalid_token"


@pytest.mark.parametrize("change", CHANGES)
async def test_account_change_ends_the_open_sockets_of_that_user_within_two_seconds(hub, change):
    admin = await hub.user("admin", email="boss@clinic.test")
    desk = await hub.user("reception", email="desk@clinic.test")
    other = await hub.user("reception", email="other@clinic.test")
    token = await logged_in_token(hub, "desk@clinic.test")
    sockets = [await hub.connect(ns, token) for ns in ("/patients", "/appointments")]
    bystander = await hub.connect("/patients", await logged_in_token(hub, "other@clinic.test"))
    ended = {id(s): [] for s in sockets}
    for client, ns in zip(sockets, ("/patients", "/appointments")):
        client.on("session_ended", ended[id(client)].append, namespace=ns)
    await patch_user(hub, admin, desk, CHANGES[change])
    await settle(lambda: not any(s.connected for s in sockets), timeout=2.0)
    assert all(e and e[0]["code"] == "revoked" for e in ended.values()), ended
    assert bystander.connected


async def test_new_password_works_and_the_old_one_does_not(hub):
    admin = await hub.user("admin", email="boss@clinic.test")
    desk = await hub.user("reception", email="desk@clinic.test")
    await patch_user(hub, admin, desk, CHANGES["password"])
    assert (await login(hub, "desk@clinic.test", PASSWORD)).status == 401
    assert (await login(hub, "desk@clinic.test", "a-brand-new-passphrase")).status == 200


async def test_unrelated_account_edit_keeps_the_session(hub):
    admin = await hub.user("admin", email="boss@clinic.test")
    desk = await hub.user("reception", email="desk@clinic.test")
    token = await logged_in_token(hub, "desk@clinic.test")
    client = await hub.connect("/patients", token)
    await patch_user(hub, admin, desk, {"first_name": "Renamed"})
    await asyncio.sleep(0.5)  # a revocation would have arrived by now (the pump runs every write)
    assert await status_of(hub.http.get(f"{hub.url}/patients", headers={"Authorization": f"Bearer {token}"})) == 200
    assert client.connected
