"""Direct websocket writes (hub.realtime.direct_websocket): in order, never waiting on a slow reader."""

from __future__ import annotations

import asyncio

import aiohttp
from aiohttp import web

from hub.realtime.direct_websocket import DirectWrites
from tests.conftest import call

FRAMES, SIZE = 300, 64 * 1024  # 19 MB: more than loopback's socket buffers hold


async def test_a_client_that_does_not_read_gets_every_frame_in_order_and_holds_up_no_writer():
    written = asyncio.Event()
    seen: dict[str, object] = {}

    async def handler(request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(compress=False)
        await ws.prepare(request)
        writes = DirectWrites(None, ws)  # type: ignore[arg-type] - write() needs no Engine.IO socket
        for n in range(FRAMES):
            writes.write(f"{n:06d}" + "x" * (SIZE - 6))  # never awaits: the loop is never held here
        seen["backlogged"] = writes.drainer is not None
        written.set()
        while writes.drainer is not None:
            await asyncio.sleep(0.05)
        seen["drained"] = True
        await ws.receive()
        return ws

    app = web.Application()
    app.router.add_get("/ws", handler)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # noqa: SLF001 - the bound port
    try:
        async with aiohttp.ClientSession() as session, session.ws_connect(f"http://127.0.0.1:{port}/ws",
                                                                        max_msg_size=0) as ws:
            await asyncio.wait_for(written.wait(), 10)  # all written while nothing was read
            assert seen["backlogged"] is True  # the transport filled up and a backlog took the rest
            numbers = [int((await ws.receive_str(timeout=10))[:6]) for _ in range(FRAMES)]
            assert numbers == list(range(FRAMES))
            for _ in range(100):
                if seen.get("drained"):
                    break
                await asyncio.sleep(0.05)
            assert seen.get("drained") is True  # back to writing at once
    finally:
        await runner.cleanup()


async def test_many_acks_on_one_socket_come_back_in_order_and_complete(clinic):
    client = await clinic.connect("reception", "/patients")
    acks = await asyncio.gather(*(call(client, "/patients", "get", {"id": clinic.patient["id"]}) for _ in range(200)))
    assert all(ack["ok"] for ack in acks)
