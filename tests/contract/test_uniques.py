"""Unique fields hold under concurrent writers from several store instances ("hubs")."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from hub.errors import Conflict
from hub.store.base import Store
from tests.contract.conftest import Backend
from tests.contract.records import patient, user

pytestmark = pytest.mark.timeout(90)


async def hubs(backend: Backend, store: Store, count: int = 4) -> list[Store]:
    return [store, *[await backend.open(migrate=False) for _ in range(count - 1)]]


async def test_second_insert_with_same_national_id_conflicts(store: Store) -> None:
    await store.insert("patients", patient(national_id="12345678Z"))
    with pytest.raises(Conflict) as caught:
        await store.insert("patients", patient(national_id="12345678Z"))
    assert caught.value.fields == {"national_id": ["Already exists."]}
    assert caught.value.message == "Another patient has this national ID."  # the same on every backend
    assert await store.count("patients", {}) == 1


@pytest.mark.parametrize(
    ("table", "field", "make"),
    [("patients", "national_id", patient), ("users", "email", user)],
)
async def test_concurrent_creates_with_same_unique_value_exactly_one_wins(
    backend: Backend, store: Store, table: str, field: str, make: Any
) -> None:
    instances = await hubs(backend, store)
    value = "12345678Z" if field == "national_id" else "same@clinic.test"
    attempts = [instances[i % len(instances)].insert(table, make(**{field: value})) for i in range(20)]
    results = await asyncio.gather(*attempts, return_exceptions=True)
    winners = [r for r in results if isinstance(r, dict)]
    assert len(winners) == 1, results
    assert all(isinstance(r, Conflict) and r.fields == {field: ["Already exists."]} for r in results if r not in winners)
    assert await store.count(table, {field: value}) == 1
    assert await store.count(table, {}) == 1


async def test_concurrent_updates_to_the_same_value_exactly_one_wins(backend: Backend, store: Store) -> None:
    instances = await hubs(backend, store)
    ids = [(await store.insert("users", user()))["id"] for _ in range(8)]
    attempts = [instances[i % 4].update("users", rid, {"email": "taken@clinic.test"}) for i, rid in enumerate(ids)]
    results = await asyncio.gather(*attempts, return_exceptions=True)
    assert len([r for r in results if isinstance(r, dict)]) == 1, results
    assert await store.count("users", {"email": "taken@clinic.test"}) == 1


async def test_update_to_a_taken_value_conflicts_and_keeps_both(store: Store) -> None:
    first = await store.insert("patients", patient(national_id="11111111H"))
    second = await store.insert("patients", patient(national_id="22222222J"))
    with pytest.raises(Conflict) as caught:
        await store.update("patients", second["id"], {"national_id": "11111111H"})
    assert caught.value.fields == {"national_id": ["Already exists."]}
    assert (await store.get("patients", second["id"]))["national_id"] == "22222222J"
    assert (await store.get("patients", first["id"]))["version"] == 1
    # the refused value was not left claimed for the second record
    await store.update("patients", first["id"], {"phone": "1"})
    await store.update("patients", second["id"], {"national_id": "22222222J", "phone": "2"})


async def test_update_moves_the_value_and_frees_the_old_one(store: Store) -> None:
    saved = await store.insert("users", user(email="old@clinic.test"))
    moved = await store.update("users", saved["id"], {"email": "new@clinic.test"}, expected_version=1)
    assert moved["email"] == "new@clinic.test" and moved["version"] == 2
    assert await store.find("users", "email", "old@clinic.test") is None
    await store.insert("users", user(email="old@clinic.test"))
    with pytest.raises(Conflict):
        await store.insert("users", user(email="new@clinic.test"))


async def test_update_keeping_the_same_value_succeeds(store: Store) -> None:
    saved = await store.insert("users", user(email="same@clinic.test"))
    again = await store.update("users", saved["id"], {**user(email="same@clinic.test")}, replace=True, expected_version=1)
    assert again["email"] == "same@clinic.test" and again["version"] == 2


async def test_replace_without_the_unique_field_frees_it(store: Store) -> None:
    saved = await store.insert("users", user(email="gone@clinic.test"))
    await store.update("users", saved["id"], {"role": "admin"}, replace=True)
    await store.insert("users", user(email="gone@clinic.test"))


async def test_stale_version_update_of_a_unique_field_leaves_the_value_free(store: Store) -> None:
    saved = await store.insert("users", user(email="a@clinic.test"))
    await store.update("users", saved["id"], {"role": "admin"})
    with pytest.raises(Conflict) as caught:
        await store.update("users", saved["id"], {"email": "b@clinic.test"}, expected_version=1)
    assert caught.value.code == "version_conflict"
    await store.insert("users", user(email="b@clinic.test"))


async def test_delete_frees_the_unique_value(store: Store) -> None:
    saved = await store.insert("patients", patient(national_id="12345678Z"))
    await store.delete("patients", saved["id"])
    again = await store.insert("patients", patient(national_id="12345678Z"))
    assert again["national_id"] == "12345678Z"


async def test_failed_insert_does_not_keep_its_unique_value(store: Store) -> None:
    await store.insert("patients", patient(id="p1", national_id="11111111H"))
    with pytest.raises(Conflict) as caught:
        await store.insert("patients", patient(id="p1", national_id="22222222J"))
    assert caught.value.fields == {"id": ["Already exists."]}
    await store.insert("patients", patient(national_id="22222222J"))


async def test_records_without_the_unique_field_do_not_collide(store: Store) -> None:
    await store.insert("patients", patient(national_id=None))
    await store.insert("patients", patient(national_id=None))
    assert await store.count("patients", {}) == 2
