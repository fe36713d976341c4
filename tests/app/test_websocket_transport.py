"""The websocket transport: permessage-deflate declined by default, accepted when configured."""

from __future__ import annotations

import asyncio
import time

import aiohttp

from tests.conftest import make_config

ENDPOINT = "/socket.io/?EIO=4&transport=websocket"


async def upgrade_extensions(hub) -> tuple[str | None, str]:
    """Upgrade as a browser does (offering deflate); the extensions header and the open packet."""
    async with aiohttp.ClientSession() as session, session.ws_connect(hub.url + ENDPOINT, compress=15) as ws:
        opening = await ws.receive_str()
        return ws._response.headers.get("Sec-WebSocket-Extensions"), opening  # noqa: SLF001 - the handshake answer


async def test_websocket_offered_deflate_is_declined_by_default(hub):
    extensions, opening = await upgrade_extensions(hub)
    assert extensions is None
    assert opening.startswith('0{"sid"')


async def test_websocket_deflate_is_accepted_when_configured(start_hub, tmp_path):
    hub = await start_hub(make_config(tmp_path, HUB_WS_COMPRESSION="on"))
    extensions, opening = await upgrade_extensions(hub)
    assert extensions is not None and "permessage-deflate" in extensions
    assert opening.startswith('0{"sid"')


async def test_websocket_heartbeat_interval_comes_from_the_config(start_hub, tmp_path):
    default_hub = await start_hub(make_config(tmp_path / "a"))
    slow_hub = await start_hub(make_config(tmp_path / "b", HUB_PING_INTERVAL_SECONDS="60"))
    assert '"pingInterval":25000' in (await upgrade_extensions(default_hub))[1]
    assert '"pingInterval":60000' in (await upgrade_extensions(slow_hub))[1]


async def test_websocket_client_that_stops_answering_pings_is_dropped(start_hub, tmp_path, monkeypatch):
    from hub.keys import sio_key
    from hub.realtime import engine

    monkeypatch.setattr(engine, "SWEEP_SECONDS", 0.2)
    hub = await start_hub(make_config(tmp_path, HUB_PING_INTERVAL_SECONDS="5"))
    eio = hub.app[sio_key].eio
    eio.ping_timeout = 1  # no answer within 1 s of a ping: gone
    async with aiohttp.ClientSession() as session, session.ws_connect(hub.url + ENDPOINT) as ws:
        assert (await ws.receive_str()).startswith("0")
        await ws.send_str("40/patients,{}")  # refused (no token) but the engine.io socket stays
        assert len(eio.sockets) == 1
        started = time.monotonic()
        async with asyncio.timeout(15):
            while (message := await ws.receive()).type == aiohttp.WSMsgType.TEXT:
                pass  # the ping ("2") and the refusal; never answered
        assert 5 <= time.monotonic() - started < 10
    for _ in range(50):
        if not eio.sockets:
            break
        await asyncio.sleep(0.1)
    assert not eio.sockets


async def test_websocket_client_that_answers_pings_keeps_getting_them_and_stays(start_hub, tmp_path, monkeypatch):
    from hub.keys import sio_key
    from hub.realtime import engine

    monkeypatch.setattr(engine, "SWEEP_SECONDS", 0.2)
    hub = await start_hub(make_config(tmp_path))
    eio = hub.app[sio_key].eio
    eio.ping_interval, eio.ping_timeout = 1, 1
    pings = 0
    async with aiohttp.ClientSession() as session, session.ws_connect(hub.url + ENDPOINT) as ws:
        assert (await ws.receive_str()).startswith("0")
        started = time.monotonic()
        while time.monotonic() - started < 5:
            message = await ws.receive(timeout=3)  # a ping at least every interval plus one sweep
            assert message.type == aiohttp.WSMsgType.TEXT, message
            if message.data == "2":
                pings += 1
                await ws.send_str("3")
        assert len(eio.sockets) == 1
    assert pings >= 3
