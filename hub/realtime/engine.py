"""The Engine.IO server, with a cheaper sweep for sockets whose client stopped answering.

python-engineio's service task visits one socket at a time, spreading a full round over
the ping timeout: with 5,000 sockets that is 250 ``asyncio.wait_for`` calls a second, each
a task and a timer, about 4% of a core on an idle hub (bench/ S1). This one wakes every
``SWEEP_SECONDS`` and checks every socket in one pass (a clock comparison each), which
finds a silent client as soon (heartbeat interval + timeout, plus at most one sweep).
"""

from __future__ import annotations

import asyncio
import logging

import engineio

log = logging.getLogger("hub.realtime")
SWEEP_SECONDS = 5.0


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
        for socket in list(self.sockets.values()):
            if socket.closed:
                self.sockets.pop(socket.sid, None)
            elif not socket.closing:
                await socket.check_ping_timeout()
