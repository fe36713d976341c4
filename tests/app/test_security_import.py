"""Oversized messages have a bulk path: POST /patients/import takes 4,000 patients; limits are enforced."""

from __future__ import annotations

import orjson
import pytest

from hub.store.query import Query
from tests.app.support import dni, status_of
from tests.conftest import call, make_config, patient_data


def patients(n: int, start: int = 1) -> list[dict]:
    return [patient_data(national_id=dni(start + i), first_name=f"Paciente{start + i}")
            for i in range(n)]


def ndjson(rows: list) -> bytes:
    return b"".join(orjson.dumps(row) + b"\n" for row in rows)


async def post(clinic, body: bytes, content_type: str, role: str = "reception"):
    headers = {**clinic.headers(role), "Content-Type": content_type}
    resp = await clinic.hub.http.post(f"{clinic.hub.url}/patients/import", data=body, headers=headers)
    return resp, await resp.json()


async def test_4000_patients_too_large_for_a_socket_message_go_in_through_the_bulk_import(clinic):
    rows = patients(4000)
    client = await clinic.connect("reception", "/patients")
    assert (await call(client, "/patients", "create", rows))["error"]["code"] == "too_large"
    resp, body = await post(clinic, orjson.dumps(rows), "application/json")
    assert resp.status == 200, body
    assert body == {"created": 4000, "errors": []}
    assert await clinic.hub.store.count("patients", {}) == 4001
    imported = await clinic.hub.store.list("audit", Query(equals={"action": "import"}))
    assert sorted(len(r["record_ids"]) for r in imported) == [500] * 8
    assert client.connected


async def test_ndjson_import_creates_good_rows_and_reports_bad_ones_by_line(clinic):
    lines = [
        orjson.dumps(patients(1, 10)[0]),
        b"",  # blank lines are skipped but counted
        b"{not json",
        orjson.dumps(patient_data(national_id="12345678A")),  # wrong check letter
        orjson.dumps(patients(1, 10)[0]),  # duplicate of line 1
        orjson.dumps(["not", "an", "object"]),
        orjson.dumps(patients(1, 11)[0]),
    ]
    resp, body = await post(clinic, b"\n".join(lines), "application/x-ndjson")
    assert resp.status == 200, body
    assert body["created"] == 2
    assert [(e["row"], e["error"]["code"]) for e in body["errors"]] == [
        (3, "malformed"), (4, "invalid"), (5, "conflict"), (6, "malformed")]
    assert "national_id" in body["errors"][1]["error"]["fields"]


async def test_import_rows_follow_the_same_field_rules_as_create(clinic):
    row = {**patients(1, 20)[0], "medical_history": "Diabetes"}
    resp, body = await post(clinic, orjson.dumps([row]), "application/json")
    assert body["created"] == 0 and body["errors"][0]["error"]["code"] == "forbidden"  # reception: no history
    resp, body = await post(clinic, orjson.dumps([row]), "application/json", role="admin")
    assert body == {"created": 1, "errors": []}


@pytest.mark.parametrize("role, status", [("doctor", 403), ("display", 403)])
async def test_import_is_for_reception_and_admins_only(clinic, role, status):
    resp, body = await post(clinic, orjson.dumps(patients(2, 30)), "application/json", role=role)
    assert resp.status == status
    assert await clinic.hub.store.count("patients", {}) == 1


async def test_import_without_token_is_401_and_reads_nothing(clinic):
    resp = await clinic.hub.http.post(f"{clinic.hub.url}/patients/import", data=orjson.dumps(patients(1, 40)),
                                      headers={"Content-Type": "application/json"})
    assert resp.status == 401
    await resp.read()


async def test_import_declared_larger_than_the_limit_is_413_and_creates_nothing(start_hub, tmp_path):
    hub = await start_hub(make_config(tmp_path, HUB_MAX_IMPORT_BYTES="4096"))
    admin = await hub.user("admin", email="boss@clinic.test")
    body = orjson.dumps(patients(40))
    assert len(body) > 4096
    resp = await hub.http.post(f"{hub.url}/patients/import", data=body,
                               headers={**await hub.headers(admin), "Content-Type": "application/json"})
    assert resp.status == 413
    error = (await resp.json())["error"]
    assert (error["code"], error["limit"]) == ("too_large", 4096)
    assert await hub.store.count("patients", {}) == 0


async def test_streamed_ndjson_growing_past_the_limit_stops_with_413(start_hub, tmp_path):
    hub = await start_hub(make_config(tmp_path, HUB_MAX_IMPORT_BYTES="4096"))
    admin = await hub.user("admin", email="boss@clinic.test")

    async def chunks():  # no Content-Length: the server must count as it reads
        for row in patients(60):
            yield orjson.dumps(row) + b"\n"

    resp = await hub.http.post(f"{hub.url}/patients/import", data=chunks(),
                               headers={**await hub.headers(admin), "Content-Type": "application/x-ndjson"})
    assert resp.status == 413
    error = (await resp.json())["error"]
    assert error["code"] == "too_large"
    assert error["created"] == await hub.store.count("patients", {}) < 60


async def test_import_with_another_content_type_is_415(clinic):
    resp, body = await post(clinic, b"national_id,first_name\n", "text/csv")
    assert resp.status == 415
    assert body["error"]["code"] == "unsupported_media_type"


async def test_import_json_that_is_not_an_array_is_400(clinic):
    resp, body = await post(clinic, orjson.dumps(patients(1, 50)[0]), "application/json")
    assert resp.status == 400 and body["error"]["code"] == "malformed"


async def test_import_route_does_not_shadow_patient_ids(clinic):
    hub = clinic.hub
    assert await status_of(hub.http.get(f"{hub.url}/patients/import", headers=clinic.headers("admin"))) == 404
    assert await status_of(hub.http.get(f"{hub.url}/patients/{clinic.patient['id']}", headers=clinic.headers("admin"))) == 200


async def test_import_is_in_the_openapi_document(clinic):
    document = await (await clinic.hub.http.get(f"{clinic.hub.url}/openapi.json")).json()
    operation = document["paths"]["/patients/import"]["post"]
    assert {"application/json", "application/x-ndjson"} <= set(operation["requestBody"]["content"])
    assert "/audit" in document["paths"]
