"""Tokens on long-lived sockets: refresh, expiry, and namespace isolation (P1, P5)."""

from __future__ import annotations

import asyncio

import pytest
import socketio

from tests.app.live_helpers import LiveView
from tests.conftest import call, make_config, patient_data


@pytest.fixture
async def fast_hub(start_hub, tmp_path):
    return await start_hub(make_config(tmp_path, HUB_JWT_LEEWAY_SECONDS="0"))


async def _ended(client: socketio.AsyncClient, namespace: str) -> list[dict]:
    ended: list[dict] = []
    client.on("session_ended", ended.append, namespace=namespace)
    return ended


async def test_socket_with_expiring_token_is_ended_with_token_expired(fast_hub):
    desk = await fast_hub.user("reception")
    client = socketio.AsyncClient(reconnection=False)
    ended = await _ended(client, "/patients")
    await client.connect(fast_hub.url, namespaces=["/patients"], auth={"token": fast_hub.token(desk, seconds=1)},
                         transports=["websocket"])
    for _ in range(160):
        if not client.connected:
            break
        await asyncio.sleep(0.05)
    assert ended and ended[0]["code"] == "token_expired"
    assert not client.connected


async def test_refresh_before_expiry_keeps_the_socket_and_its_calls(fast_hub):
    desk = await fast_hub.user("reception")
    client = socketio.AsyncClient(reconnection=False)
    ended = await _ended(client, "/patients")
    await client.connect(fast_hub.url, namespaces=["/patients"], auth={"token": fast_hub.token(desk, seconds=2)},
                         transports=["websocket"])
    ack = await call(client, "/patients", "refresh", {"token": fast_hub.token(desk, seconds=600)})
    assert ack["ok"] and ack["data"]["expires_at"] > 0
    await asyncio.sleep(7.5)  # past the old expiry and a sweep
    assert client.connected and not ended
    assert (await call(client, "/patients", "list"))["ok"]
    await client.disconnect()


async def test_refresh_with_another_users_token_is_forbidden(hub):
    desk, other = await hub.user("reception"), await hub.user("reception", email="other@clinic.test")
    client = await hub.connect("/patients", hub.token(desk))
    ack = await call(client, "/patients", "refresh", {"token": hub.token(other)})
    assert ack["error"]["code"] == "forbidden"
    bad = await call(client, "/patients", "refresh", {"token": "garbage"})
    assert bad["error"]["code"] == "invalid_token"


async def test_reconnect_with_a_stale_token_is_refused_with_token_expired_and_a_fresh_one_works(fast_hub):
    """P1: a display whose network dropped past its token's expiry must present a fresh token."""
    display_user = await fast_hub.user("reception")
    stale = fast_hub.token(display_user, seconds=1)
    await asyncio.sleep(1.5)
    client = socketio.AsyncClient(reconnection=False)
    errors: list = []
    client.on("connect_error", errors.append, namespace="/appointments")
    with pytest.raises(socketio.exceptions.ConnectionError):
        await client.connect(fast_hub.url, namespaces=["/appointments"], auth={"token": stale},
                             transports=["websocket"], wait_timeout=3)
    # python-socketio hands the CONNECT_ERROR payload over as {"message": code, "data": {...}}
    assert errors and errors[0]["message"] == "token_expired"
    assert errors[0]["data"]["code"] == "token_expired"
    fresh = await fast_hub.connect("/appointments", fast_hub.token(display_user))
    assert fresh.connected


async def test_client_of_one_namespace_gets_nothing_from_another(hub):
    """P5: rooms are per namespace; a /patients socket never sees /appointments traffic."""
    desk = await hub.user("reception")
    writer = await hub.connect("/patients", hub.token(desk))
    created = (await call(writer, "/patients", "create", patient_data()))["data"]
    only_patients = await hub.connect("/patients", hub.token(desk))
    received: list = []
    only_patients.on("*", lambda event, *args: received.append(event), namespace="/appointments")
    view = LiveView(only_patients, "/patients")
    await view.subscribe(id=created["id"])
    await call(writer, "/patients", "update", {"id": created["id"], "data": {"phone": "+34 600 000 001"}})
    await view.wait_for(lambda v: v.items[created["id"]]["phone"] == "+34 600 000 001")
    assert received == []
    assert view.subscription.startswith("patients:")
