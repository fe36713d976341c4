"""Reads: equality filters, ranges, search, order, skip/limit, count."""

from __future__ import annotations

import datetime as dt

import pytest

from hub.store.base import Store
from hub.store.query import Query, Range
from tests.contract.records import T0, appointment, doctor, patient

pytestmark = pytest.mark.timeout(60)

H = dt.timedelta(hours=1)


async def agenda(store: Store) -> dict[str, str]:
    """Two doctors, one patient, appointments at T0 + 0h..3h (doctor A) and + 1h (doctor B)."""
    a = (await store.insert("doctors", doctor(specialty="Cardiología")))["id"]
    b = (await store.insert("doctors", doctor(specialty="Dermatología")))["id"]
    p = (await store.insert("patients", patient()))["id"]
    for i in range(4):
        await store.insert("appointments", appointment(a, p, T0 + i * H, id=f"a{i}", status="done" if i == 0 else "scheduled"))
    await store.insert("appointments", appointment(b, p, T0 + H, id="b1"))
    return {"a": a, "b": b, "p": p}


def ids(records: list[dict]) -> list[str]:
    return [record["id"] for record in records]


async def test_list_without_filters_orders_by_the_table_order(store: Store) -> None:
    ids_ = await agenda(store)
    found = await store.list("appointments", Query())
    assert ids(found) == ["a0", "a1", "b1", "a2", "a3"]
    assert all(record["patient_id"] == ids_["p"] for record in found)


async def test_list_equality_filters_combine(store: Store) -> None:
    ids_ = await agenda(store)
    assert ids(await store.list("appointments", Query(equals={"doctor_id": ids_["a"]}))) == ["a0", "a1", "a2", "a3"]
    query = Query(equals={"doctor_id": ids_["a"], "status": "scheduled"})
    assert ids(await store.list("appointments", query)) == ["a1", "a2", "a3"]
    assert await store.list("appointments", Query(equals={"doctor_id": "nobody"})) == []
    assert ids(await store.list("appointments", Query(equals={"id": "b1"}))) == ["b1"]


async def test_list_datetime_ranges_are_half_open_as_asked(store: Store) -> None:
    await agenda(store)
    gte = Query(ranges=(Range("start", gte=T0 + H),))
    assert ids(await store.list("appointments", gte)) == ["a1", "b1", "a2", "a3"]
    gt = Query(ranges=(Range("start", gt=T0 + H),))
    assert ids(await store.list("appointments", gt)) == ["a2", "a3"]
    lt = Query(ranges=(Range("start", lt=T0 + H),))
    assert ids(await store.list("appointments", lt)) == ["a0"]


async def test_list_doctor_day_overlap_uses_start_and_end(store: Store) -> None:
    ids_ = await agenda(store)
    low, high = T0 + H + dt.timedelta(minutes=10), T0 + 2 * H + dt.timedelta(minutes=5)
    query = Query(equals={"doctor_id": ids_["a"]}, ranges=(Range("start", lt=high), Range("end", gt=low)))
    assert ids(await store.list("appointments", query)) == ["a1", "a2"]
    assert await store.count("appointments", {"doctor_id": ids_["a"]}) == 4


async def test_range_bounds_in_other_zones_compare_as_instants(store: Store) -> None:
    await agenda(store)
    madrid_noon = dt.datetime(2030, 3, 4, 11, 0, tzinfo=dt.timezone(dt.timedelta(hours=1)))  # 10:00 UTC
    assert ids(await store.list("appointments", Query(ranges=(Range("start", gte=madrid_noon),)))) == ["a1", "b1", "a2", "a3"]


async def test_date_range_on_birth_dates(store: Store) -> None:
    for year in (1980, 1990, 2000):
        await store.insert("patients", patient(birth_date=dt.date(year, 6, 1), id=f"p{year}"))
    query = Query(ranges=(Range("birth_date", gte=dt.date(1985, 1, 1), lt=dt.date(2000, 6, 1)),))
    assert ids(await store.list("patients", query)) == ["p1990"]


async def test_missing_or_null_fields_match_no_range_and_no_equality(store: Store) -> None:
    await store.insert("doctors", doctor(id="d1", slot_minutes=20))
    await store.insert("doctors", doctor(id="d2", slot_minutes=None))
    await store.insert("doctors", doctor(id="d3"))
    assert ids(await store.list("doctors", Query(ranges=(Range("slot_minutes", lt=100),)))) == ["d1"]
    assert ids(await store.list("doctors", Query(equals={"slot_minutes": 20}))) == ["d1"]
    assert await store.list("doctors", Query(equals={"slot_minutes": None})) == []


async def test_search_terms_are_literal_substrings_of_the_search_key(store: Store) -> None:
    await store.insert("patients", patient(id="jose", _search="jose nunez pena 12345678z"))
    await store.insert("patients", patient(id="dot", _search="a.b (c) [d]+ 50% x_y \\ z"))
    await store.insert("patients", patient(id="axb", _search="axb c d 50 xzy"))

    async def search(*terms: str) -> list[str]:
        return sorted(ids(await store.list("patients", Query(search=terms))))

    assert await search("nunez") == ["jose"]
    assert await search("jose", "pena") == ["jose"]
    assert await search("jose", "absent") == []
    assert await search("a.b") == ["dot"]
    assert await search("(c)", "[d]+", "50%", "x_y", "\\") == ["dot"]
    assert await search("50") == ["axb", "dot"]


async def test_skip_and_limit_page_through_the_order(store: Store) -> None:
    for i in range(7):
        await store.insert("patients", patient(last_name=f"Name {i}", first_name="A", id=f"p{i}"))
    pages = [ids(await store.list("patients", Query(skip=s, limit=3))) for s in (0, 3, 6)]
    assert pages == [["p0", "p1", "p2"], ["p3", "p4", "p5"], ["p6"]]
    assert ids(await store.list("patients", Query(skip=5))) == ["p5", "p6"]
    assert await store.list("patients", Query(limit=0)) == []


async def test_order_ties_break_by_id_and_accents_sort_by_code_point(store: Store) -> None:
    for rid, last in (("z", "Ñúñez"), ("b", "Nunez"), ("a", "Nunez"), ("c", "Álvarez"), ("d", "Zapata")):
        await store.insert("patients", patient(last_name=last, first_name="X", id=rid))
    assert ids(await store.list("patients", Query())) == ["a", "b", "d", "c", "z"]


async def test_count_with_equality_filters(store: Store) -> None:
    ids_ = await agenda(store)
    assert await store.count("appointments", {}) == 5
    assert await store.count("appointments", {"patient_id": ids_["p"], "status": "scheduled"}) == 4
    assert await store.count("doctors", {"specialty": "Dermatología"}) == 1
    assert await store.count("doctors", {"specialty": "Nothing"}) == 0
