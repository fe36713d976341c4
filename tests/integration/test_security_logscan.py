"""The log scan: a whole clinic day through a real hub process in production log format,
then its log is searched for anything secret or personal. Logs may name ids and codes;
they must never hold a token, a password, or a patient's data (issue: security hardening)."""

from __future__ import annotations

import json
import secrets

import aiohttp
import pytest
import socketio

from tests.conftest import call, doctor_data
from tests.app.test_scheduling import today_at
from tests.integration.hub_processes import Cluster

pytestmark = pytest.mark.integration

PATIENT = {
    "national_id": "X1234567L", "first_name": "Remedios", "last_name": "Zubizarreta Olaechea",
    "birth_date": "1957-03-14", "gender": "female", "phone": "+34 699 314 159",
    "email": "remedios.zubi@correo.test", "address": "Calle Almendro 17, Valladolid",
    "medical_history": "Hipertensión; alergia al ibuprofeno",
}
REASON, NOTES = "Dolor torácico atípico", "Traer analítica previa"


async def _connect(url: str, namespace: str, token: str, **kwargs) -> socketio.AsyncClient:
    client = socketio.AsyncClient(reconnection=False)
    await client.connect(url, namespaces=[namespace], auth={"token": token}, transports=["websocket"], **kwargs)
    return client


async def _clinic_day(cluster: Cluster, url: str, password: str) -> list[str]:
    """Every kind of traffic a day brings, bad input included; returns the tokens used."""
    from hub.auth.permissions import Principal

    admin = await cluster.user("admin", password=password, email="jefa@clinic.test")
    doctor = await cluster.services.doctors.create(Principal(user_id=admin["id"], role="admin"), doctor_data())
    tokens = []
    async with aiohttp.ClientSession() as http:
        async def login(email: str, pw: str) -> str | None:
            async with http.post(f"{url}/auth/login", json={"email": email, "password": pw}) as resp:
                body = await resp.json()
                return body.get("access_token")

        assert await login("jefa@clinic.test", "wrong-" + password) is None
        token = await login("jefa@clinic.test", password)
        tokens.append(token)
        bearer = {"Authorization": f"Bearer {token}"}
        desk_password = secrets.token_urlsafe(12)
        async with http.post(f"{url}/auth/register", headers=bearer, json={
                "email": "mostrador@clinic.test", "first_name": "Marta", "last_name": "Mostrador",
                "role": "reception", "password": desk_password}) as resp:
            assert resp.status == 201, await resp.text()
        desk = await login("mostrador@clinic.test", desk_password)
        tokens.append(desk)
        desk_bearer = {"Authorization": f"Bearer {desk}"}
        async with http.post(f"{url}/patients", headers=bearer, json=PATIENT) as resp:  # history: admins, doctors
            patient = await resp.json()
            assert resp.status == 201, patient
        async with http.post(f"{url}/patients", headers=bearer, json=PATIENT) as resp:
            assert resp.status == 409  # the duplicate national ID
        async with http.get(f"{url}/patients/search", headers=desk_bearer, params={"q": "Zubizarreta"}) as resp:
            assert resp.status == 200
        async with http.get(f"{url}/patients", headers={"Authorization": f"Bearer {desk}x"}) as resp:
            assert resp.status == 401
        async with http.patch(f"{url}/patients/{patient['id']}", headers=desk_bearer,
                              json={"phone": "+34 699 314 160", "birth_date": "not a date"}) as resp:
            assert resp.status == 422

    ns = "/appointments"
    with pytest.raises(socketio.exceptions.ConnectionError):
        await _connect(url, ns, tokens[1] + "tampered")
    client = await _connect(url, ns, desk)
    patients = await _connect(url, "/patients", desk)
    await call(patients, "/patients", "search", {"q": "Remedios"})
    await call(patients, "/patients", "update", {"id": patient["id"], "data": {"national_id": "12345678A"}})
    await call(patients, "/patients", "frobnicate", {"national_id": PATIENT["national_id"]})
    booking = (await call(client, ns, "create", {
        "doctor_id": doctor["id"], "patient_id": patient["id"], "start": today_at(10),
        "reason": REASON, "notes": NOTES}))["data"]
    await call(client, ns, "subscribe", {"doctor_id": doctor["id"]})
    assert (await call(client, ns, "check_in", {"id": booking["id"]}))["ok"]
    assert (await call(client, ns, "call_next", {"doctor_id": doctor["id"]}))["ok"]
    for event in ("start", "complete"):
        assert (await call(client, ns, event, {"id": booking["id"]}))["ok"], event
    await call(client, ns, "refresh", {"token": desk})
    await call(client, ns, "create", {"patient_id": patient["id"], "reason": REASON, "start": "nonsense"})
    await client.disconnect()
    await patients.disconnect()
    return tokens


async def test_a_clinic_day_leaves_no_token_password_or_patient_data_in_the_logs(tmp_path):
    cluster = Cluster(tmp_path)
    cluster.env.update({"HUB_MODE": "production", "HUB_LOG_LEVEL": "DEBUG"})  # production: JSON logs
    await cluster.open()
    try:
        hub = await cluster.add_hub()
        password = "Pw-" + secrets.token_urlsafe(16)
        tokens = await _clinic_day(cluster, hub.url, password)
    finally:
        await cluster.close()
    text = (tmp_path / "hub-0.log").read_text()
    lines = [json.loads(line) for line in text.splitlines()]  # structured: JSON only, one object a line
    assert len(lines) > 20, text[-2000:]  # the day was logged at all
    assert {"time", "level", "logger", "message"} <= set(lines[-1])
    secret = [password, *tokens, *(t.split(".")[2] for t in tokens)]
    personal = [PATIENT["national_id"], "12345678A", "Remedios", "Zubizarreta", "699 314", "remedios.zubi",
                "Almendro", "1957-03-14", "Hipertensión", "ibuprofeno", REASON, NOTES]
    for needle in secret + personal:
        assert needle not in text, f"{needle!r} appears in the log"
