"""The audit trail: every patient read and write is recorded, admins alone read it, and tampering shows."""

from __future__ import annotations

import asyncio
import sqlite3

import orjson
import pytest

from hub.services.audit import GENESIS, AuditLog, record_hash
from hub.services.audit_verify import verify
from hub.store.query import Query
from tests.app.support import NAMESPACES, SYSTEM, dni, status_of
from tests.app.test_cli import run
from tests.conftest import call, make_config, patient_data


async def audit_rows(hub):
    return sorted(await hub.store.list("audit", Query()), key=lambda r: (r["instance"], r["seq"]))


async def new_rows(hub, before):
    return (await audit_rows(hub))[len(before):]


async def test_every_rest_patient_read_and_write_is_audited_with_who_what_and_where(clinic):
    hub, headers, url = clinic.hub, clinic.headers("reception"), f"{clinic.hub.url}/patients"
    who = clinic.users["reception"]
    before = await audit_rows(hub)
    created = await (await hub.http.post(url, json=patient_data(national_id=dni(1)), headers=headers)).json()
    pid = created["id"]
    for request in (
        hub.http.get(f"{url}/{pid}", headers=headers),
        hub.http.get(url, headers=headers),
        hub.http.get(f"{url}/search", params={"q": "jose"}, headers=headers),
        hub.http.patch(f"{url}/{pid}", json={"phone": "+34 600 000 000"}, headers=headers),
        hub.http.delete(f"{url}/{pid}", headers=headers),
    ):
        assert await status_of(request) == 200
    rows = await new_rows(hub, before)
    assert [r["action"] for r in rows] == ["create", "read", "list", "search", "update", "delete"]
    for row in rows:
        assert (row["who"], row["role"], row["table"], row["client"]) == (who["id"], "reception", "patients", "127.0.0.1")
        assert row["instance"] == hub.services.audit.instance
    assert [r["record_id"] for r in rows] == [pid, pid, None, None, pid, pid]
    assert pid in rows[2]["record_ids"] and clinic.patient["id"] in rows[2]["record_ids"]


async def test_every_socket_patient_read_and_write_is_audited_with_the_client_address(clinic):
    hub = clinic.hub
    client = await clinic.connect("doctor", "/patients")
    before = await audit_rows(hub)
    pid = clinic.patient["id"]
    assert (await call(client, "/patients", "get", {"id": pid}))["ok"]
    assert (await call(client, "/patients", "get_many", {"ids": [pid, "no-such-id"]}))["ok"]
    assert (await call(client, "/patients", "list", {}))["ok"]
    assert (await call(client, "/patients", "search", {"q": "nunez"}))["ok"]
    assert (await call(client, "/patients", "update", {"id": pid, "data": {"medical_history": "Asma"}}))["ok"]
    rows = await new_rows(hub, before)
    assert [r["action"] for r in rows] == ["read", "read", "list", "search", "update"]
    assert rows[1]["record_ids"] == [pid]
    assert all(r["who"] == clinic.users["doctor"]["id"] and r["role"] == "doctor" for r in rows)
    assert all(r["client"] == "127.0.0.1" for r in rows)
    assert all(pid in r["record_ids"] for r in rows)


async def test_refused_and_failed_patient_calls_are_not_audited_as_reads(clinic):
    hub = clinic.hub
    before = await audit_rows(hub)
    assert await status_of(hub.http.get(f"{hub.url}/patients/no-such", headers=clinic.headers("reception"))) == 404
    assert await status_of(hub.http.get(f"{hub.url}/patients", headers=clinic.headers("display"))) == 403
    assert await new_rows(hub, before) == []


async def test_audit_records_form_a_hash_chain(clinic):
    hub = clinic.hub
    for _ in range(3):
        await status_of(hub.http.get(f"{hub.url}/patients", headers=clinic.headers("admin")))
    rows = await audit_rows(hub)
    assert [r["seq"] for r in rows] == list(range(1, len(rows) + 1))
    assert rows[0]["prev_hash"] == GENESIS
    for prev, row in zip(rows, rows[1:]):
        assert row["prev_hash"] == prev["hash"]
    assert all(r["hash"] == record_hash(r) for r in rows)
    report = await verify(hub.store)
    assert report.ok and report.records == len(rows) and report.chains == 1


async def test_concurrent_reads_keep_one_unbroken_chain(clinic):
    hub = clinic.hub
    clients = [await clinic.connect(role, "/patients") for role in ("admin", "reception", "doctor")]
    await asyncio.gather(*(call(c, "/patients", "get", {"id": clinic.patient["id"]}) for c in clients for _ in range(20)))
    rows = await audit_rows(hub)
    assert len(rows) >= 60
    assert [r["seq"] for r in rows] == list(range(1, len(rows) + 1))
    assert (await verify(hub.store)).ok


async def test_two_instances_on_one_store_keep_separate_chains_that_both_verify(clinic):
    hub = clinic.hub
    other = AuditLog(hub.store, hub.services.audit.config)
    await asyncio.gather(*(other.record(SYSTEM, "read", "patients", [clinic.patient["id"]]) for _ in range(5)),
                         *(hub.services.audit.record(SYSTEM, "read", "patients", ["x"]) for _ in range(5)))
    report = await verify(hub.store)
    assert report.ok and report.chains == 2
    assert [r["seq"] for r in await hub.store.list("audit", Query(equals={"instance": other.instance}))] == [1, 2, 3, 4, 5]


# -- GET /audit -------------------------------------------------------------------------------
@pytest.mark.parametrize("role", ["reception", "doctor", "display"])
async def test_audit_is_refused_to_everyone_but_admins(clinic, role):
    resp = await clinic.hub.http.get(f"{clinic.hub.url}/audit", headers=clinic.headers(role))
    assert resp.status == 403
    assert "record_ids" not in await resp.text()


async def test_audit_without_token_is_401(clinic):
    assert await status_of(clinic.hub.http.get(f"{clinic.hub.url}/audit")) == 401


async def test_audit_is_not_reachable_over_any_socket_namespace(clinic):
    for namespace in NAMESPACES:
        client = await clinic.connect("admin", namespace)
        for event in ("audit", "list_audit"):
            assert (await call(client, namespace, event, {}))["error"]["code"] == "unknown_event"


async def test_admin_reads_audit_filtered_by_user_table_record_and_time(clinic):
    hub, url = clinic.hub, f"{clinic.hub.url}/audit"
    pid = clinic.patient["id"]
    await status_of(hub.http.get(f"{hub.url}/patients/{pid}", headers=clinic.headers("doctor")))
    await status_of(hub.http.get(f"{hub.url}/patients", headers=clinic.headers("reception")))
    admin = clinic.headers("admin")

    async def get(**params):
        resp = await hub.http.get(url, params=params, headers=admin)
        assert resp.status == 200, await resp.text()
        return await resp.json()

    by_doctor = await get(user=clinic.users["doctor"]["id"])
    assert [r["action"] for r in by_doctor] == ["read"]
    assert {r["action"] for r in await get(record_id=pid)} >= {"create", "read", "list"}
    assert await get(record_id=pid[:8]) == []  # whole ids only
    assert await get(table="appointments") == []
    everything = await get()
    assert {"who", "role", "action", "table", "record_id", "record_ids", "at", "instance", "client", "seq",
            "prev_hash", "hash"} <= set(everything[0])
    assert "_search" not in everything[0]
    assert await get(**{"from": "2000-01-01T00:00:00Z", "to": "2000-01-02T00:00:00Z"}) == []
    assert len(await get(**{"from": "2000-01-01T00:00:00Z"})) == len(everything)
    assert [r["id"] for r in await get(skip=1, limit=1)] == [everything[1]["id"]]


async def test_audit_bad_filters_are_422(clinic):
    resp = await clinic.hub.http.get(f"{clinic.hub.url}/audit", params={"record_id": "a b", "limit": "0"},
                                     headers=clinic.headers("admin"))
    assert resp.status == 422
    assert set((await resp.json())["error"]["fields"]) == {"record_id", "limit"}


# -- tampering ---------------------------------------------------------------------------------
async def test_changing_an_audit_record_through_the_store_is_reported(clinic):
    hub = clinic.hub
    for _ in range(4):
        await status_of(hub.http.get(f"{hub.url}/patients", headers=clinic.headers("reception")))
    rows = await audit_rows(hub)
    victim = rows[2]
    await hub.store.update("audit", victim["id"], {"who": "someone-else"})
    report = await verify(hub.store)
    assert not report.ok
    assert (report.broken.seq, report.broken.record_id) == (3, victim["id"])
    assert "hash" in report.broken.reason


async def test_removing_an_audit_record_is_reported_at_the_gap(clinic):
    hub = clinic.hub
    for _ in range(4):
        await status_of(hub.http.get(f"{hub.url}/patients", headers=clinic.headers("reception")))
    rows = await audit_rows(hub)
    await hub.store.delete("audit", rows[1]["id"])
    report = await verify(hub.store)
    assert (report.broken.seq, report.broken.record_id) == (2, rows[2]["id"])
    assert "missing" in report.broken.reason


async def test_removing_the_first_record_of_a_chain_is_reported(clinic):
    hub = clinic.hub
    await status_of(hub.http.get(f"{hub.url}/patients", headers=clinic.headers("reception")))
    rows = await audit_rows(hub)
    await hub.store.delete("audit", rows[0]["id"])
    report = await verify(hub.store)
    assert not report.ok
    assert report.broken.record_id == rows[1]["id"]


def tamper(tmp_path, change):
    with sqlite3.connect(tmp_path / "hub.sqlite3") as conn:
        rid, doc = conn.execute("SELECT id, doc FROM audit ORDER BY json_extract(doc, '$.seq') LIMIT 1 OFFSET 1").fetchone()
        record = orjson.loads(doc)
        changed = dict(record)
        change(changed)
        assert changed != record
        conn.execute("UPDATE audit SET doc = ? WHERE id = ?", (orjson.dumps(changed).decode(), rid))
    return rid


@pytest.mark.parametrize("change", [
    lambda r: r.update(action="delete"),
    lambda r: r.update(record_ids=["forged"]),
    lambda r: r.update(hash=record_hash({**r, "who": "x"}), who="x"),  # re-hashed: the next link breaks
])
async def test_audit_verify_command_names_the_record_changed_in_the_sqlite_file(start_hub, tmp_path, change):
    hub = await start_hub(make_config(tmp_path))
    user = await hub.user("reception", email="desk@clinic.test")
    for _ in range(3):
        await status_of(hub.http.get(f"{hub.url}/patients", headers=await hub.headers(user)))
    intact = run(tmp_path, "audit", "verify", HUB_JWT_SECRET="x" * 40)
    assert intact.returncode == 0, intact.stderr
    assert "3 records in 1 chains" in intact.stdout
    rid = tamper(tmp_path, change)
    broken = run(tmp_path, "audit", "verify", HUB_JWT_SECRET="x" * 40)
    assert broken.returncode == 1
    assert "BROKEN" in broken.stderr
    rows = sorted(await hub.store.list("audit", Query()), key=lambda r: r["seq"])
    assert rid in broken.stderr or rows[2]["id"] in broken.stderr
    assert "seq 2" in broken.stderr or "seq 3" in broken.stderr


async def test_audit_is_only_ever_inserted_by_the_hub(clinic):
    """Reads and writes of patients never update or delete an audit record."""
    hub = clinic.hub
    await status_of(hub.http.get(f"{hub.url}/patients", headers=clinic.headers("admin")))
    first = await audit_rows(hub)
    for _ in range(3):
        await status_of(hub.http.get(f"{hub.url}/patients", headers=clinic.headers("admin")))
    after = await audit_rows(hub)
    assert after[: len(first)] == first
    assert all(r["version"] == 1 for r in after)
