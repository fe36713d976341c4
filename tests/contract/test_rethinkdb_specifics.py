"""What only the RethinkDB backend needs: claim documents that outlive a crashed hub,
records written around the hub, concurrent migrations, and long unique values."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator

import pytest

from hub.errors import Conflict
from hub.store.rethinkdb import RethinkStore
from hub.store.rethinkdb.reql import r
from hub.store.rethinkdb.schema import index_definitions
from hub.store.rethinkdb.settings import parse_url
from hub.store.rethinkdb.uniques import KEYS_TABLE, key_id
from hub.store.tables import TABLES
from tests.contract.conftest import drop_database, run_raw
from tests.contract.records import patient, user
from tests.rethinkdb_server import RethinkTarget, fresh_db_name

pytestmark = [pytest.mark.rethinkdb, pytest.mark.timeout(120)]


@pytest.fixture
async def rstore(rethinkdb_target_or_skip: RethinkTarget) -> AsyncIterator[RethinkStore]:
    url = rethinkdb_target_or_skip.url(fresh_db_name())
    store = RethinkStore(url)
    await store.open()
    await store.migrate()
    yield store
    await store.close()
    await drop_database(url)


def url_of(store: RethinkStore) -> str:
    s = store.settings
    return f"rethinkdb://{s.host}:{s.port}/{s.db}"


async def orphan_claim(store: RethinkStore, field: str, value: str, age_seconds: float) -> None:
    """A claim left by a hub that died between claiming and writing its record."""
    claim = {
        "id": key_id("patients", field, value), "table": "patients", "field": field, "value": value,
        "record_id": "ghost", "claim": "c0", "claimed_at": r.now().sub(age_seconds),
    }  # fmt: skip
    await run_raw(url_of(store), r.db(store.settings.db).table(KEYS_TABLE).insert(claim))


async def test_stale_claim_of_a_crashed_hub_is_taken_over(rstore: RethinkStore, caplog: pytest.LogCaptureFixture) -> None:
    await orphan_claim(rstore, "national_id", "12345678Z", age_seconds=3600)
    saved = await rstore.insert("patients", patient(national_id="12345678Z"))
    assert saved["national_id"] == "12345678Z"
    assert "took over stale unique claim" in caplog.text
    with pytest.raises(Conflict):
        await rstore.insert("patients", patient(national_id="12345678Z"))


async def test_fresh_claim_without_its_record_still_blocks_the_value(rstore: RethinkStore) -> None:
    await orphan_claim(rstore, "national_id", "12345678Z", age_seconds=0)
    with pytest.raises(Conflict):
        await rstore.insert("patients", patient(national_id="12345678Z"))


async def test_stale_claim_whose_holder_has_the_value_is_not_taken(rstore: RethinkStore) -> None:
    saved = await rstore.insert("patients", patient(national_id="12345678Z"))
    key = key_id("patients", "national_id", "12345678Z")
    aged = r.db(rstore.settings.db).table(KEYS_TABLE).get(key).update({"claimed_at": r.now().sub(3600)})
    await run_raw(url_of(rstore), aged)
    with pytest.raises(Conflict):
        await rstore.insert("patients", patient(national_id="12345678Z"))
    assert (await rstore.get("patients", saved["id"]))["national_id"] == "12345678Z"


async def test_record_written_around_the_hub_still_blocks_its_value(rstore: RethinkStore) -> None:
    script = r.db(rstore.settings.db).table("patients").insert({"id": "console", "national_id": "12345678Z"})
    await run_raw(url_of(rstore), script)
    with pytest.raises(Conflict):
        await rstore.insert("patients", patient(national_id="12345678Z"))
    await rstore.insert("patients", patient(national_id="87654321X"))


async def test_unique_values_longer_than_a_primary_key_are_hashed(rstore: RethinkStore) -> None:
    email = "a" * 200 + "@clinic.test"
    saved = await rstore.insert("users", user(email=email))
    with pytest.raises(Conflict):
        await rstore.insert("users", user(email=email))
    assert (await rstore.find("users", "email", email)) == saved


async def test_writes_of_other_writers_reach_the_change_stream(rstore: RethinkStore, open_stream) -> None:  # noqa: ANN001
    from tests.contract.streams import is_change

    stream = open_stream(rstore, ["patients"])
    await stream.ready()
    await run_raw(url_of(rstore), r.db(rstore.settings.db).table("patients").insert({"id": "console", "last_name": "X"}))
    item = (await stream.until(is_change("patients", "add", "console")))[-1]
    assert item.new == {"id": "console", "last_name": "X"}  # type: ignore[union-attr]


async def test_concurrent_migrations_leave_one_of_everything(
    rethinkdb_target_or_skip: RethinkTarget, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, "hub.store.rethinkdb")
    for _ in range(5):
        url = rethinkdb_target_or_skip.url(fresh_db_name())
        hubs = [RethinkStore(url) for _ in range(4)]
        try:
            await asyncio.gather(*[hub.open() for hub in hubs])
            await asyncio.gather(*[hub.migrate() for hub in hubs])
            await check_schema(url)
            saved = await hubs[0].insert("patients", patient())
            assert await hubs[3].get("patients", saved["id"]) == saved
        finally:
            for hub in hubs:
                await hub.close()
            await drop_database(url)
    duplicates = [rec.message for rec in caplog.records if "exists twice" in rec.message]
    print(f"duplicates repaired: {len(duplicates)}")


async def check_schema(url: str) -> None:
    db = parse_url(url).db
    system = r.db("rethinkdb")
    assert await run_raw(url, system.table("db_config").filter({"name": db}).count()) == 1
    tables = await run_raw(url, system.table("table_config").filter({"db": db})["name"].coerce_to("array"))
    assert sorted(tables) == sorted([*TABLES, KEYS_TABLE])
    for spec in TABLES.values():
        status = await run_raw(url, r.db(db).table(spec.name).index_status())
        assert sorted(s["index"] for s in status) == sorted(index_definitions(spec))
        assert all(s["ready"] for s in status)
