"""A subscriber model as a client keeps it: snapshot, then changes applied in order."""

from __future__ import annotations

import asyncio
from typing import Any

import socketio

from tests.conftest import call


class LiveView:
    def __init__(self, client: socketio.AsyncClient, namespace: str) -> None:
        self.client, self.namespace = client, namespace
        self.items: dict[str, dict[str, Any]] = {}
        self.events: list[dict[str, Any]] = []
        self.cursor: str | None = None
        self.subscription: str | None = None
        self.arrived = asyncio.Event()
        client.on("change", self._on_change, namespace=namespace)

    async def _on_change(self, event: dict[str, Any]) -> None:
        if event["subscription"] != self.subscription:
            return
        self.events.append(event)
        self.apply(event)
        self.arrived.set()

    def apply(self, event: dict[str, Any]) -> None:
        if event["type"] == "remove":
            self.items.pop(event["id"], None)
        else:
            self.items[event["id"]] = event["data"]
        self.cursor = event["cursor"]

    async def subscribe(self, **filters: Any) -> dict[str, Any]:
        ack = await call(self.client, self.namespace, "subscribe", filters)
        assert ack["ok"], ack
        data = ack["data"]
        self.subscription, self.cursor = data["subscription"], data["cursor"]
        if data.get("resumed"):
            for event in data["changes"]:
                self.apply(event)
        else:
            self.items = {item["id"]: item for item in data["items"]}
        return data

    async def wait_for(self, predicate: Any, timeout: float = 5.0) -> None:
        async def poll() -> None:
            while not predicate(self):
                self.arrived.clear()
                await self.arrived.wait()

        await asyncio.wait_for(poll(), timeout)
