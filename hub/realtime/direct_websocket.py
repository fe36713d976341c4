"""Serving an Engine.IO websocket without a writer task, a queue or a timer per message.

python-engineio serves each websocket with two loops: a writer task that takes packets off
the socket's queue and awaits ``ws.send`` for each, and a reader that wraps every receive
in a new task and an ``asyncio.wait_for``. Per delivery that is a queue put, a task wake-up
and a send; per received message (a pong every heartbeat, on every socket) a task and a
timer. On a hub with thousands of screens those are most of its overhead (bench/ S1, S2).

``serve`` replaces both loops for a socket that connected straight over websocket (the only
transport our clients use) when the websocket does not compress:

- a packet is written to the transport as soon as it is sent, in the order ``send`` was
  called, so an ack still reaches the client before a change sent after it;
- a client that reads slowly does not hold up the others: once its transport asks the
  writer to wait (its buffer is full), its packets go to a backlog that one task writes
  out as the transport drains, in order, and new ones queue behind them;
- the reader is one plain loop, and there is no sleeping task per socket waiting to send
  the next ping: the server's sweep (``HubEngineServer``) sends the pings that are due
  (``ping_due``) and closes a socket whose client stopped answering, which ends the loop.

Sockets that started on long-polling and upgraded keep python-engineio's own handler.
"""

from __future__ import annotations

import asyncio
import collections
import logging
import time
from collections.abc import Coroutine
from typing import Any

from aiohttp import WSMsgType, web
from engineio import exceptions
from engineio import packet as eio_packet
from engineio.async_socket import AsyncSocket

log = logging.getLogger("hub.realtime")
DATA = (WSMsgType.TEXT, WSMsgType.BINARY)


class DirectWrites:
    """One socket's sends, written at once unless its transport is full."""

    def __init__(self, socket: AsyncSocket, response: web.WebSocketResponse) -> None:
        self.socket, self.response = socket, response
        self.backlog: collections.deque[str | bytes] | None = None  # while the transport is full
        self.drainer: asyncio.Task[None] | None = None
        self.closing: asyncio.Future[bool] | None = None  # the websocket's close, once asked for

    async def send(self, pkt: eio_packet.Packet) -> None:
        """Takes the place of the socket's ``send``: checks the heartbeat, then writes."""
        if await self.socket.check_ping_timeout():
            self.write(pkt.encode())

    def write(self, data: str | bytes) -> None:
        if self.backlog is not None:  # earlier packets are waiting for the transport
            self.backlog.append(data)
            return
        sending = self._frame(data)
        try:
            # Without compression aiohttp writes the frame before its first await, which only
            # waits for a full transport to drain: run it by hand up to there.
            waiting = sending.send(None)
        except StopIteration:
            return  # written, and the transport has room
        except (ConnectionError, RuntimeError):
            return  # the connection is going away; the reader loop ends the session
        self.backlog = collections.deque()
        self.drainer = asyncio.ensure_future(self._drain(sending, waiting))

    def _frame(self, data: str | bytes) -> Coroutine[Any, Any, None]:
        return self.response.send_str(data) if isinstance(data, str) else self.response.send_bytes(data)

    async def _drain(self, sending: Coroutine[Any, Any, None], waiting: Any) -> None:
        try:
            await finish(sending, waiting)
            while self.backlog:
                await self._frame(self.backlog.popleft())
        except (ConnectionError, RuntimeError):
            pass
        finally:
            self.backlog = self.drainer = None

    def stop(self) -> None:
        if self.drainer is not None:
            self.drainer.cancel()


class NoQueue:
    """Stands in for a directly served socket's ``asyncio.Queue`` (four deques, about 3 KB
    per socket, bench/ S1): nothing waits in it, so ``close(wait=True)`` has nothing to join."""

    __slots__ = ("writes",)

    def __init__(self, writes: DirectWrites) -> None:
        self.writes = writes

    def empty(self) -> bool:
        return True

    def qsize(self) -> int:
        return 0

    def put_nowait(self, pkt: eio_packet.Packet | None) -> None:
        if pkt is not None:
            self.writes.write(pkt.encode())

    async def put(self, pkt: eio_packet.Packet | None) -> None:
        self.put_nowait(pkt)

    async def join(self) -> None:
        return None


async def finish(coroutine: Coroutine[Any, Any, None], waiting: Any) -> None:
    """Await the rest of a coroutine that was run by hand until it yielded ``waiting``
    (what ``Task`` does: wait for the future it yielded, then resume it)."""
    while True:
        if waiting is None:  # a bare yield: give the loop one turn
            await asyncio.sleep(0)
        else:
            waiting._asyncio_future_blocking = False  # noqa: SLF001 - the Task protocol: taken over
            try:
                await waiting
            except BaseException:  # noqa: BLE001,S110 - the coroutine gets the outcome when resumed
                pass
        try:
            waiting = coroutine.send(None)
        except StopIteration:
            return


async def serve(socket: AsyncSocket, ws: Any) -> None:
    """Run a new websocket's Engine.IO session; ``ws`` is python-engineio's aiohttp wrapper."""
    response: web.WebSocketResponse = ws._sock  # noqa: SLF001 - the wrapper's response
    writes = DirectWrites(socket, response)
    socket.connected = socket.upgraded = True
    while not socket.queue.empty():  # what was sent before the websocket was up (OPEN)
        writes.write(socket.queue.get_nowait().encode())
        socket.queue.task_done()
    socket.queue = NoQueue(writes)
    socket.send = writes.send  # every later packet of this socket is written at once
    socket.schedule_ping = lambda: _pong_received(socket)
    closing = socket.close
    reading = True

    async def close(*args: Any, **kwargs: Any) -> None:
        await closing(*args, **kwargs)
        if reading and not response.closed:  # a silent client: end the receive below
            writes.closing = asyncio.ensure_future(response.close())

    socket.close = close
    try:
        await _read(socket, response)
    finally:
        reading = False
        writes.stop()
        if not response.closed:
            await response.close()
        await socket.close(wait=False, abort=True, reason=socket.server.reason.TRANSPORT_CLOSE)


def _pong_received(socket: AsyncSocket) -> None:
    if socket.last_ping:  # the ping in flight was answered: the next one is due an interval later
        socket.last_ping = None
        socket.hub_next_ping = time.time() + socket.server.ping_interval


def ping_due(socket: AsyncSocket, now: float) -> bool:
    """Whether the sweep should ping this socket now (and then it counts as sent)."""
    due = getattr(socket, "hub_next_ping", None)
    if due is None or now < due or socket.last_ping:
        return False
    socket.hub_next_ping = None
    socket.last_ping = now
    return True


async def _read(socket: AsyncSocket, response: web.WebSocketResponse) -> None:
    limit = socket.server.max_http_buffer_size
    while True:
        try:
            message = await response.receive()
        except Exception:  # noqa: BLE001 - a broken connection ends the session, as in engineio
            return
        if message.type not in DATA or len(message.data) > limit:
            return
        try:
            await socket.receive(eio_packet.Packet(encoded_packet=message.data))
        except exceptions.UnknownPacketError:
            pass
        except exceptions.SocketIsClosedError:
            return
        except Exception:  # noqa: BLE001 - one bad packet must not end the loop
            log.exception("engine.io receive failed")
