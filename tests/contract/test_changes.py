"""Change streams: every committed write, by any writer, with old and new values (P13)."""

from __future__ import annotations

import asyncio
import datetime as dt
import random
from collections.abc import Callable

import pytest

from hub.store.base import Store
from hub.store.changes import Change, StreamState
from hub.store.query import Query
from tests.contract.conftest import Backend
from tests.contract.records import doctor, patient
from tests.contract.streams import StreamReader, apply, is_change

pytestmark = pytest.mark.timeout(120)

Open = Callable[..., StreamReader]


async def test_stream_reports_add_change_remove_with_old_and_new(store: Store, open_stream: Open) -> None:
    stream = open_stream(store, ["patients"])
    await stream.ready()
    saved = await store.insert("patients", patient(birth_date=dt.date(1990, 1, 31)))
    updated = await store.update("patients", saved["id"], {"phone": "555"})
    removed = await store.delete("patients", saved["id"])
    items = await stream.until(is_change("patients", "remove"))
    changes = [item for item in items if isinstance(item, Change)]
    assert [(c.type, c.id) for c in changes] == [("add", saved["id"]), ("change", saved["id"]), ("remove", saved["id"])]
    assert changes[0].old is None and changes[0].new == saved
    assert changes[1].old == saved and changes[1].new == updated
    assert changes[2].old == removed and changes[2].new is None and changes[2].record == removed
    assert changes[0].new["birth_date"] == dt.date(1990, 1, 31)


async def test_stream_delivers_writes_of_another_instance(backend: Backend, store: Store, open_stream: Open) -> None:
    other = await backend.open(migrate=False)
    stream = open_stream(store, ["doctors"])
    await stream.ready()
    saved = await other.insert("doctors", doctor())
    items = await stream.until(is_change("doctors", "add", saved["id"]))
    assert items[-1].new == saved  # type: ignore[union-attr]


async def test_stream_only_carries_the_tables_asked_for(store: Store, open_stream: Open) -> None:
    stream = open_stream(store, ["doctors"])
    await stream.ready()
    await store.insert("patients", patient())
    saved = await store.insert("doctors", doctor())
    items = await stream.until(is_change("doctors", "add", saved["id"]))
    assert [item.table for item in items if isinstance(item, Change)] == ["doctors"]


async def test_stream_of_all_tables_by_default(store: Store, open_stream: Open) -> None:
    stream = open_stream(store)
    await stream.ready()
    p = await store.insert("patients", patient())
    d = await store.insert("doctors", doctor())
    wanted = {("patients", p["id"]), ("doctors", d["id"])}
    seen: set[tuple[str, str]] = set()
    await stream.until(lambda i: isinstance(i, Change) and (seen.add((i.table, i.id)) or seen == wanted))
    assert seen == wanted


async def test_include_initial_yields_every_record_then_ready(store: Store, open_stream: Open) -> None:
    saved = [await store.insert("doctors", doctor()) for _ in range(5)]
    stream = open_stream(store, ["doctors"], include_initial=True)
    items = await stream.ready()
    initial = [item for item in items if isinstance(item, Change)]
    assert all(item.type == "initial" and item.old is None for item in initial)
    assert {item.id: item.new for item in initial} == {s["id"]: s for s in saved}
    assert len(initial) == len(saved)
    assert isinstance(items[-1], StreamState) and items[-1].state == "ready"
    later = await store.update("doctors", saved[0]["id"], {"room": "9"})
    assert (await stream.until(is_change("doctors", "change")))[-1].new == later  # type: ignore[union-attr]


async def test_without_include_initial_nothing_precedes_ready(store: Store, open_stream: Open) -> None:
    await store.insert("doctors", doctor())
    stream = open_stream(store, ["doctors"])
    items = await stream.ready()
    assert len(items) == 1


async def _churn(store: Store, ids: list[str], rounds: int, seed: int) -> None:
    """``rounds`` random inserts, updates and deletes among ``ids``."""
    rng = random.Random(seed)
    for i in range(rounds):
        choice = rng.random()
        if choice < 0.3 or not ids:
            ids.append((await store.insert("doctors", doctor(room=str(i))))["id"])
        elif choice < 0.8:
            await store.update("doctors", rng.choice(ids), {"room": str(i)})
        else:
            await store.delete("doctors", ids.pop(rng.randrange(len(ids))))
        if i % 10 == 0:
            await asyncio.sleep(0)


async def test_initial_phase_with_concurrent_writes_converges_to_a_fresh_read(
    backend: Backend, store: Store, open_stream: Open
) -> None:
    """P13: apply every item in order; after ready and a final marker, model == list().
    2,000 rows, four writers, and a slow reader stretch the initial phase so that writes
    land before, during and after it (on RethinkDB a few arrive interleaved with it)."""
    writer = await backend.open(migrate=False)
    ids = []
    for _ in range(20):
        ids += [r["id"] for r in await asyncio.gather(*[store.insert("doctors", doctor()) for _ in range(100)])]
    churn = asyncio.gather(*[_churn(writer, ids[k::4], 150, seed=k) for k in range(4)])
    await asyncio.sleep(0.01)
    stream = open_stream(store, ["doctors"], include_initial=True, pause=0.001)
    model: dict[str, dict] = {}
    for item in await stream.ready(timeout=60):
        apply(model, item)
    await churn
    marker = await writer.insert("doctors", doctor(last_name="marker"))
    for item in await stream.until(is_change("doctors", "add", marker["id"]), timeout=60):
        apply(model, item)
    fresh = {record["id"]: record for record in await store.list("doctors", Query())}
    assert model == fresh


async def test_ready_means_live_even_right_after_open(store: Store, open_stream: Open) -> None:
    for _ in range(3):
        stream = open_stream(store, ["patients"])
        await stream.ready()
        saved = await store.insert("patients", patient())
        await stream.until(is_change("patients", "add", saved["id"]), timeout=10)
        await stream.close()


async def test_closing_a_stream_stops_it_cleanly(store: Store, open_stream: Open) -> None:
    stream = open_stream(store, ["patients"], include_initial=True)
    await stream.ready()
    await stream.close()
    assert stream.task.done()
    await store.insert("patients", patient())
    assert await store.ping()
