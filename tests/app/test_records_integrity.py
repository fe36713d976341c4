"""Writes keep what the writer cannot see, and keep cross-field rules on the merged record."""

import logging

import pytest
import socketio

from tests.app.support import SYSTEM, status_of
from tests.conftest import make_config, patient_data


async def send(clinic, method, path, role, body):
    resp = await clinic.hub.http.request(method, f"{clinic.hub.url}{path}", json=body, headers=clinic.headers(role))
    return resp.status, await resp.json()


async def test_reception_put_of_a_patient_keeps_the_medical_history_it_cannot_see(clinic):
    pid = clinic.patient["id"]
    status, body = await send(clinic, "PUT", f"/patients/{pid}", "reception", patient_data(phone="+34 699 000 111"))
    assert status == 200, body
    stored = await clinic.hub.store.get("patients", pid)
    assert stored["phone"] == "+34 699 000 111"
    assert stored["medical_history"] == "Alergia a la penicilina"


async def test_admin_put_of_a_patient_replaces_the_medical_history_too(clinic):
    pid = clinic.patient["id"]
    status, body = await send(clinic, "PUT", f"/patients/{pid}", "admin", patient_data())
    assert status == 200, body
    assert (await clinic.hub.store.get("patients", pid)).get("medical_history") is None


async def test_patch_user_to_doctor_without_doctor_id_is_invalid(clinic):
    uid = clinic.users["reception"]["id"]
    status, body = await send(clinic, "PATCH", f"/users/{uid}", "admin", {"role": "doctor"})
    assert status == 422, body
    assert "doctor_id" in body["error"]["fields"]
    assert (await clinic.hub.store.get("users", uid))["role"] == "reception"


async def test_patch_non_doctor_user_with_doctor_id_is_invalid(clinic):
    uid = clinic.users["reception"]["id"]
    status, body = await send(clinic, "PATCH", f"/users/{uid}", "admin", {"doctor_id": clinic.doctor["id"]})
    assert status == 422, body
    assert "doctor_id" in body["error"]["fields"]


async def test_patch_doctor_user_to_reception_with_null_doctor_id_is_valid(clinic):
    uid = clinic.users["doctor"]["id"]
    status, body = await send(clinic, "PATCH", f"/users/{uid}", "admin", {"role": "reception", "doctor_id": None})
    assert status == 200, body
    assert body["role"] == "reception" and body["doctor_id"] is None


async def test_patch_user_to_doctor_with_existing_doctor_is_valid(clinic):
    uid = clinic.users["reception"]["id"]
    status, body = await send(clinic, "PATCH", f"/users/{uid}", "admin",
                              {"role": "doctor", "doctor_id": clinic.other_doctor["id"]})
    assert status == 200, body


async def connect_from(hub, origin: str, token: str) -> bool:
    """Connect with an Origin header; the client uses the hub's HTTP session, so a refusal leaks nothing."""
    client = socketio.AsyncClient(reconnection=False, http_session=hub.http)
    try:
        await client.connect(hub.url, namespaces=["/patients"], auth={"token": token}, headers={"Origin": origin},
                             transports=["websocket"], wait_timeout=5)
    except socketio.exceptions.ConnectionError:
        return False
    await client.disconnect()
    return True


@pytest.mark.parametrize("origin, allowed", [("https://clinic.example", True), ("https://evil.example", False)])
async def test_connect_from_an_origin_is_allowed_only_when_configured(start_hub, tmp_path, origin, allowed):
    hub = await start_hub(make_config(tmp_path, HUB_ALLOWED_ORIGINS="https://clinic.example"))
    user = await hub.user("reception", email="desk@clinic.test")
    assert await connect_from(hub, origin, hub.token(user)) is allowed


async def test_connect_from_another_origin_is_refused_by_default_and_same_origin_allowed(hub):
    user = await hub.user("reception", email="desk@clinic.test")
    assert await connect_from(hub, "https://evil.example", hub.token(user)) is False
    assert await connect_from(hub, hub.url, hub.token(user)) is True


async def test_tokens_never_appear_in_logs(hub, caplog):
    caplog.set_level(logging.DEBUG)
    user = await hub.user("display", email="screen@clinic.test")
    token = hub.token(user)
    with pytest.raises(socketio.exceptions.ConnectionError):
        await hub.connect("/patients", token)
    reception = await hub.user("reception", email="desk@clinic.test")
    other = hub.token(reception)
    client = await hub.connect("/patients", other)
    await client.call("list", {}, namespace="/patients", timeout=5)
    assert await status_of(hub.http.get(f"{hub.url}/patients", headers={"Authorization": f"Bearer {other}"})) == 200
    assert caplog.records, "nothing was logged at all: the check below would be vacuous"
    assert token not in caplog.text
    assert other not in caplog.text


async def test_store_rejects_records_it_cannot_round_trip(hub):
    import datetime as dt

    with pytest.raises(TypeError):
        await hub.store.insert("appointments", {"start": dt.datetime(2026, 5, 4, 10, 0), "reason": "naive"})
    with pytest.raises(TypeError):
        await hub.services.patients.store.insert("patients", {**patient_data(), "birth_date": dt.datetime(1990, 1, 31)})
    assert await hub.services.patients.list(SYSTEM, {}) == []
