"""Create, read, update, delete, and versions: the same answers from every backend."""

from __future__ import annotations

import asyncio
import datetime as dt

import pytest

from hub.errors import Conflict, NotFound
from hub.store.base import Store
from tests.contract.records import doctor, patient

pytestmark = pytest.mark.timeout(60)


async def test_insert_new_record_sets_id_version_and_timestamps(store: Store) -> None:
    before = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1)
    saved = await store.insert("doctors", doctor(last_name="Ruiz"))
    assert saved["id"] and saved["version"] == 1
    assert saved["created_at"] == saved["updated_at"]
    assert before <= saved["created_at"] <= dt.datetime.now(dt.UTC)
    assert saved["created_at"].tzinfo is not None and saved["created_at"].utcoffset() == dt.timedelta(0)
    assert await store.get("doctors", saved["id"]) == saved


async def test_insert_given_id_is_kept_and_meta_fields_are_overridden(store: Store) -> None:
    saved = await store.insert("doctors", doctor(id="doc-1", version=7, created_at=None))
    assert saved["id"] == "doc-1" and saved["version"] == 1 and saved["created_at"] is not None


async def test_insert_duplicate_id_conflicts(store: Store) -> None:
    await store.insert("doctors", doctor(id="doc-1"))
    with pytest.raises(Conflict) as caught:
        await store.insert("doctors", doctor(id="doc-1"))
    assert caught.value.fields == {"id": ["Already exists."]}
    assert await store.count("doctors", {}) == 1


async def test_get_missing_record_raises_not_found(store: Store) -> None:
    with pytest.raises(NotFound):
        await store.get("doctors", "nope")


async def test_update_merges_fields_and_increments_version(store: Store) -> None:
    saved = await store.insert("doctors", doctor(room="3"))
    updated = await store.update("doctors", saved["id"], {"room": "4", "extra": None})
    assert updated["version"] == 2 and updated["room"] == "4" and updated["extra"] is None
    assert updated["specialty"] == saved["specialty"] and updated["created_at"] == saved["created_at"]
    assert updated["updated_at"] >= saved["updated_at"]
    again = await store.update("doctors", saved["id"], {"room": "5"}, expected_version=2)
    assert again["version"] == 3
    assert await store.get("doctors", saved["id"]) == again


async def test_update_nested_object_is_replaced_whole(store: Store) -> None:
    saved = await store.insert("doctors", doctor(schedule={"weekly": {"mon": [["09:00", "14:00"]]}, "exceptions": []}))
    updated = await store.update("doctors", saved["id"], {"schedule": {"weekly": {"tue": [["10:00", "12:00"]]}}})
    assert updated["schedule"] == {"weekly": {"tue": [["10:00", "12:00"]]}}


async def test_update_replace_drops_missing_fields_but_keeps_identity(store: Store) -> None:
    saved = await store.insert("doctors", doctor(room="3"))
    replaced = await store.update(
        "doctors", saved["id"], {"first_name": "Eva", "last_name": "Gil", "id": "other", "created_at": None}, replace=True
    )
    assert replaced["id"] == saved["id"] and replaced["created_at"] == saved["created_at"]
    assert replaced["version"] == 2 and "room" not in replaced and "specialty" not in replaced
    assert replaced["first_name"] == "Eva"


async def test_update_with_stale_version_conflicts_and_writes_nothing(store: Store) -> None:
    saved = await store.insert("doctors", doctor())
    await store.update("doctors", saved["id"], {"room": "4"})
    with pytest.raises(Conflict) as caught:
        await store.update("doctors", saved["id"], {"room": "5"}, expected_version=1)
    assert caught.value.code == "version_conflict"
    assert caught.value.details == {"current_version": 2}
    assert (await store.get("doctors", saved["id"]))["room"] == "4"


async def test_update_or_delete_missing_record_raises_not_found(store: Store) -> None:
    with pytest.raises(NotFound):
        await store.update("doctors", "nope", {"room": "1"})
    with pytest.raises(NotFound):
        await store.update("doctors", "nope", {"room": "1"}, expected_version=1, replace=True)
    with pytest.raises(NotFound):
        await store.delete("doctors", "nope")


async def test_delete_returns_the_old_record_and_removes_it(store: Store) -> None:
    saved = await store.insert("patients", patient())
    removed = await store.delete("patients", saved["id"], expected_version=1)
    assert removed == saved
    with pytest.raises(NotFound):
        await store.get("patients", saved["id"])


async def test_delete_with_stale_version_conflicts_and_keeps_the_record(store: Store) -> None:
    saved = await store.insert("doctors", doctor())
    await store.update("doctors", saved["id"], {"room": "4"})
    with pytest.raises(Conflict) as caught:
        await store.delete("doctors", saved["id"], expected_version=1)
    assert caught.value.code == "version_conflict"
    assert (await store.get("doctors", saved["id"]))["version"] == 2


async def test_concurrent_updates_with_same_expected_version_exactly_one_wins(backend, store: Store) -> None:  # noqa: ANN001
    others = [store, await backend.open(), await backend.open()]
    saved = await store.insert("doctors", doctor())
    attempts = [
        others[i % 3].update("doctors", saved["id"], {"room": str(i)}, expected_version=1, replace=(i % 2 == 0))
        for i in range(12)
    ]
    results = await asyncio.gather(*attempts, return_exceptions=True)
    winners = [r for r in results if isinstance(r, dict)]
    assert len(winners) == 1, results
    assert all(isinstance(r, Conflict) and r.code == "version_conflict" for r in results if r not in winners)
    assert await store.get("doctors", saved["id"]) == winners[0]


async def test_concurrent_updates_without_expected_version_all_apply(backend, store: Store) -> None:  # noqa: ANN001
    other = await backend.open()
    saved = await store.insert("doctors", doctor())
    await asyncio.gather(*[(store, other)[i % 2].update("doctors", saved["id"], {f"f{i}": i}) for i in range(10)])
    final = await store.get("doctors", saved["id"])
    assert final["version"] == 11 and all(final[f"f{i}"] == i for i in range(10))


async def test_find_by_unique_field_returns_the_record_or_none(store: Store) -> None:
    saved = await store.insert("users", {"email": "ana@clinic.test", "role": "admin"})
    assert await store.find("users", "email", "ana@clinic.test") == saved
    assert await store.find("users", "email", "nobody@clinic.test") is None


async def test_migrate_twice_is_harmless(store: Store) -> None:
    saved = await store.insert("doctors", doctor())
    await store.migrate()
    assert await store.get("doctors", saved["id"]) == saved
