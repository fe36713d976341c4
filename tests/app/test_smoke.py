from tests.conftest import PASSWORD, call, patient_data


async def test_login_then_create_patient_over_socket_succeeds(hub):
    user = await hub.user("reception", email="desk@clinic.test")
    resp = await hub.http.post(f"{hub.url}/auth/login", json={"email": "desk@clinic.test", "password": PASSWORD})
    assert resp.status == 200
    token = (await resp.json())["access_token"]
    client = await hub.connect("/patients", token)
    ack = await call(client, "/patients", "create", patient_data())
    assert ack["ok"] is True, ack
    assert ack["data"]["national_id"] == "12345678Z"
    assert "medical_history" not in ack["data"]
    assert user["role"] == "reception"
