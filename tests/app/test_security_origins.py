"""Foreign origins: refused for websocket and polling alike, each refusal logged; `*` never in production."""

from __future__ import annotations

import logging

import pytest
import socketio

from hub.config import load_config
from hub.errors import ConfigError
from tests.conftest import make_config

ALLOWED = "https://clinic.example"
EVIL = "https://evil.example"


async def origin_hub(start_hub, tmp_path, origins=ALLOWED):
    hub = await start_hub(make_config(tmp_path, HUB_ALLOWED_ORIGINS=origins))
    user = await hub.user("reception", email="desk@clinic.test")
    return hub, hub.token(user)


async def connect(hub, token, origin, transport):
    """A polling client upgrades to websocket once connected (a polling-only disconnect waits for the
    long poll); the polling handshake has checked the origin by then."""
    # The hub's own HTTP session: engineio leaves the session it makes open when a polling connect is refused.
    client = socketio.AsyncClient(reconnection=False, http_session=hub.http)
    transports = [transport] if transport == "websocket" else ["polling", "websocket"]
    await client.connect(hub.url, namespaces=["/patients"], auth={"token": token}, transports=transports,
                         headers={"Origin": origin}, wait_timeout=5)
    return client


def refusals(caplog):
    return [r for r in caplog.records if r.name == "hub.realtime" and "origin" in r.getMessage()]


@pytest.mark.parametrize("transport", ["websocket", "polling"])
async def test_foreign_origin_is_refused_and_logged(start_hub, tmp_path, caplog, transport):
    hub, token = await origin_hub(start_hub, tmp_path)
    caplog.set_level(logging.INFO, logger="hub")
    for _ in range(2):  # every refusal is logged, not only the first
        with pytest.raises(socketio.exceptions.ConnectionError):
            await connect(hub, token, EVIL, transport)
    logged = refusals(caplog)
    assert len(logged) == 2
    assert logged[0].levelno == logging.WARNING
    assert EVIL in logged[0].getMessage() and transport in logged[0].getMessage()


@pytest.mark.parametrize("transport", ["websocket", "polling"])
async def test_allowed_origin_connects(start_hub, tmp_path, caplog, transport):
    hub, token = await origin_hub(start_hub, tmp_path)
    client = await connect(hub, token, ALLOWED, transport)
    try:
        assert client.connected
    finally:
        await client.disconnect()
    assert refusals(caplog) == []


@pytest.mark.parametrize("transport", ["websocket", "polling"])
async def test_without_allowed_origins_only_the_hubs_own_origin_connects(start_hub, tmp_path, transport):
    hub, token = await origin_hub(start_hub, tmp_path, origins="")
    with pytest.raises(socketio.exceptions.ConnectionError):
        await connect(hub, token, EVIL, transport)
    client = await connect(hub, token, hub.url, transport)
    assert client.connected
    await client.disconnect()


async def test_raw_polling_handshake_from_a_foreign_origin_gets_400(start_hub, tmp_path):
    hub, _ = await origin_hub(start_hub, tmp_path)
    url = f"{hub.url}/socket.io/?EIO=4&transport=polling"
    refused = await hub.http.get(url, headers={"Origin": EVIL})
    assert refused.status == 400
    assert "Access-Control-Allow-Origin" not in refused.headers
    await refused.read()
    allowed = await hub.http.get(url, headers={"Origin": ALLOWED})
    assert allowed.status == 200
    assert allowed.headers["Access-Control-Allow-Origin"] == ALLOWED
    await allowed.read()


def test_production_refuses_star_origins():
    env = {"HUB_MODE": "production", "HUB_JWT_SECRET": "k3Jq9-vX2mP8rT5wY7zB4nC6dF1gH0jL-production",
           "HUB_ALLOWED_ORIGINS": "*"}
    with pytest.raises(ConfigError) as info:
        load_config(env, dotenv_path=None)
    assert any("HUB_ALLOWED_ORIGINS" in problem for problem in info.value.problems)
