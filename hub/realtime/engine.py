"""The Engine.IO layer: a cheaper sweep for silent sockets, and a websocket without deflate.

python-engineio's service task visits one socket at a time, spreading a full round over
the ping timeout: with 5,000 sockets that is 250 ``asyncio.wait_for`` calls a second, each
a task and a timer, about 4% of a core on an idle hub (bench/ S1). This one wakes every
``SWEEP_SECONDS`` and checks every socket in one pass (a clock comparison each), which
finds a silent client as soon (heartbeat interval + timeout, plus at most one sweep).
The same sweep sends the pings of sockets served by ``direct_websocket`` (at most one sweep
late, well inside what a client waits for: the interval plus the timeout).
"""

from __future__ import annotations

import asyncio
import logging
import time

import engineio
from aiohttp import web
from engineio import packet as eio_packet
from engineio.exceptions import SocketIsClosedError
from engineio.async_drivers.aiohttp import WebSocket as EngineWebSocket
from engineio.async_socket import AsyncSocket

from hub.realtime import direct_websocket

log = logging.getLogger("hub.realtime")
SWEEP_SECONDS = 5.0
PING = eio_packet.Packet(eio_packet.PING)


class HubEngineServer(engineio.AsyncServer):
    async def _service_task(self) -> None:
        self.service_task_event = self.create_event()
        while not self.service_task_event.is_set():
            try:
                await asyncio.wait_for(self.service_task_event.wait(), timeout=SWEEP_SECONDS)
                return
            except asyncio.TimeoutError:
                pass
            try:
                await self._sweep()
            except Exception:  # noqa: BLE001 - the sweep must outlive any one socket's failure
                log.exception("engine.io sweep failed")

    async def _sweep(self) -> None:
        now = time.time()
        for socket in list(self.sockets.values()):
            if socket.closed:
                self.sockets.pop(socket.sid, None)
            elif not socket.closing:
                try:
                    if await socket.check_ping_timeout() and direct_websocket.ping_due(socket, now):
                        await socket.send(PING)
                except SocketIsClosedError:
                    pass


class PlainWebSocket(EngineWebSocket):
    """python-engineio's aiohttp websocket, declining permessage-deflate.

    aiohttp accepts the extension whenever a browser offers it, and then keeps a zlib
    compressor and decompressor per socket (about 300 KB) and compresses every frame for
    every recipient. Our frames are a few hundred bytes on a clinic's LAN, so the hub
    answers the upgrade without the extension (RFC 7692 lets a server decline it).
    A socket that connects straight over websocket is then served by
    ``direct_websocket.serve`` (no writer task or queue).
    """

    async def __call__(self, environ: dict) -> web.WebSocketResponse:
        request = environ["aiohttp.request"]
        self._sock = web.WebSocketResponse(max_msg_size=self.server.max_http_buffer_size, compress=False)
        await self._sock.prepare(request)
        self.environ = environ
        socket = getattr(self.handler, "__self__", None)
        if isinstance(socket, AsyncSocket) and not socket.connected:  # straight to websocket
            await direct_websocket.serve(socket, self)
        else:  # an upgrade from long-polling
            await self.handler(self)
        return self._sock
