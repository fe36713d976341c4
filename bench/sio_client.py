"""A lean Socket.IO v5 client over one aiohttp websocket (Engine.IO v4, text frames only).

Thousands of python-socketio AsyncClient objects do not fit in one load-generator process;
this speaks just what the hub's contract needs: the open packet, a namespace connect with
the ``auth`` payload, events with ack ids, server events, and the ping/pong heartbeat.

    client = SioClient(session, url, "/appointments", {"token": token}, on_event=...)
    await client.connect()
    ack = await client.call("subscribe", {"doctor_id": "..."})

Browsers offer permessage-deflate with ``client_max_window_bits``; ``compress=15`` makes
aiohttp offer exactly that, so the server allocates its compressor as it would for Chrome.
"""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Callable
from typing import Any

import aiohttp
import orjson

Handler = Callable[["SioClient", str, Any], None]


class SioError(Exception):
    pass


class SioClient:
    def __init__(
        self, session: aiohttp.ClientSession, url: str, namespace: str, auth: dict[str, Any],
        on_event: Handler | None = None, compress: int = 15,
    ) -> None:
        self.session, self.url, self.namespace, self.auth = session, url, namespace, auth
        self.on_event, self.compress = on_event, compress
        self.ws: aiohttp.ClientWebSocketResponse | None = None
        self.ids = itertools.count(1)
        self.pending: dict[int, asyncio.Future[Any]] = {}
        self.reader: asyncio.Task[None] | None = None
        self.closed = asyncio.Event()
        self._event_prefix = f"42{namespace},"
        self._ack_prefix = f"43{namespace},"

    @property
    def connected(self) -> bool:
        return self.ws is not None and not self.ws.closed and not self.closed.is_set()

    async def connect(self, timeout: float = 30.0) -> None:
        async with asyncio.timeout(timeout):
            endpoint = f"{self.url}/socket.io/?EIO=4&transport=websocket"
            self.ws = await self.session.ws_connect(endpoint, compress=self.compress, autoping=True, max_msg_size=0)
            opening = await self.ws.receive_str()
            if not opening.startswith("0"):
                raise SioError(f"expected an Engine.IO open packet, got {opening[:80]!r}")
            await self.ws.send_str(f"40{self.namespace}," + orjson.dumps(self.auth).decode())
            while True:
                text = await self.ws.receive_str()
                if text == "2":
                    await self.ws.send_str("3")
                elif text.startswith(f"40{self.namespace},"):
                    break
                elif text.startswith(f"44{self.namespace},"):
                    raise SioError(f"connect refused: {text[:200]}")
        self.closed.clear()
        self.reader = asyncio.create_task(self._read())

    async def call(self, event: str, data: Any, timeout: float = 30.0) -> Any:
        """Emit with an ack id and wait for the ack's single argument (the envelope)."""
        if not self.connected:
            raise SioError("not connected")
        ack_id = next(self.ids)
        future = asyncio.get_running_loop().create_future()
        self.pending[ack_id] = future
        frame = f"42{self.namespace},{ack_id}" + orjson.dumps([event, data]).decode()
        try:
            await self.ws.send_str(frame)
            async with asyncio.timeout(timeout):
                return await future
        finally:
            self.pending.pop(ack_id, None)

    async def _read(self) -> None:
        ws = self.ws
        try:
            async for message in ws:
                if message.type != aiohttp.WSMsgType.TEXT:
                    break
                self._handle(message.data)
        except (aiohttp.ClientError, ConnectionError, asyncio.TimeoutError):
            pass
        finally:
            self.closed.set()
            for future in self.pending.values():
                if not future.done():
                    future.set_exception(SioError("connection lost"))

    def _handle(self, text: str) -> None:
        if text == "2":
            asyncio.ensure_future(self.ws.send_str("3"))
        elif text.startswith(self._event_prefix):
            name, *args = orjson.loads(text[len(self._event_prefix):])
            if self.on_event is not None:
                self.on_event(self, name, args[0] if args else None)
        elif text.startswith(self._ack_prefix):
            body = text[len(self._ack_prefix):]
            split = body.index("[")
            future = self.pending.get(int(body[:split]))
            if future is not None and not future.done():
                args = orjson.loads(body[split:])
                future.set_result(args[0] if args else None)
        elif text.startswith("1") or text.startswith(f"41{self.namespace}"):
            asyncio.ensure_future(self.ws.close())

    async def close(self) -> None:
        if self.ws is not None and not self.ws.closed:
            await self.ws.close()
        if self.reader is not None:
            await asyncio.gather(self.reader, return_exceptions=True)
