"""REST CRUD on /patients, /doctors, /appointments and /users, with If-Match versions."""

import pytest

from tests.app.support import SYSTEM, appointment_data, dump, login
from tests.conftest import doctor_data, patient_data


async def send(clinic, method, path, role="admin", **kwargs):
    resp = await clinic.hub.http.request(method, f"{clinic.hub.url}{path}", headers={**clinic.headers(role),
                                                                                        **kwargs.pop("headers", {})},
                                         **kwargs)
    return resp.status, await resp.json()


def user_data(**overrides):
    data = {"email": "nurse@clinic.test", "first_name": "Rocío", "last_name": "Blanco", "role": "reception",
            "password": "a-long-password-1"}
    return {**data, **overrides}


CREATE = {
    "patients": lambda clinic: patient_data(national_id="Y0000000Z", first_name="Íñigo"),
    "doctors": lambda clinic: doctor_data(last_name="Serrano"),
    "appointments": lambda clinic: appointment_data(clinic.patient, clinic.other_doctor, start="2026-05-07T12:00:00Z"),
    "users": lambda clinic: user_data(),
}
CHANGE = {"patients": {"first_name": "Iñaki"}, "doctors": {"room": "Consulta 9"},
          "appointments": {"reason": "Control"}, "users": {"last_name": "Negro"}}


@pytest.mark.parametrize("resource", list(CREATE))
async def test_rest_create_get_list_patch_put_delete_round_trip(clinic, resource):
    status, created = await send(clinic, "POST", f"/{resource}", json=CREATE[resource](clinic))
    assert status == 201, created
    rid = created["id"]
    assert created["version"] == 1
    status, got = await send(clinic, "GET", f"/{resource}/{rid}")
    assert (status, got) == (200, created)
    status, listed = await send(clinic, "GET", f"/{resource}")
    assert status == 200 and rid in [r["id"] for r in listed]
    status, patched = await send(clinic, "PATCH", f"/{resource}/{rid}", json=CHANGE[resource])
    assert status == 200, patched
    assert patched["version"] == 2
    assert all(patched[k] == v for k, v in CHANGE[resource].items())
    replacement = {**CREATE[resource](clinic), **CHANGE[resource]}
    status, replaced = await send(clinic, "PUT", f"/{resource}/{rid}", json=replacement, headers={"If-Match": '"2"'})
    assert status == 200, replaced
    assert replaced["version"] == 3
    assert replaced["created_at"] == created["created_at"]
    status, _ = await send(clinic, "DELETE", f"/{resource}/{rid}", headers={"If-Match": "3"})
    assert status == 200
    status, body = await send(clinic, "GET", f"/{resource}/{rid}")
    assert status == 404
    assert body["error"]["code"] == "not_found"


async def test_rest_put_replaces_and_drops_fields_not_sent(clinic):
    pid = clinic.patient["id"]
    status, replaced = await send(clinic, "PUT", f"/patients/{pid}", json=patient_data(phone=None))
    assert status == 200, replaced
    assert replaced["phone"] is None
    assert replaced.get("medical_history") is None


async def test_rest_put_missing_required_fields_is_422(clinic):
    status, body = await send(clinic, "PUT", f"/patients/{clinic.patient['id']}", json={"first_name": "Solo"})
    assert status == 422
    assert {"national_id", "last_name", "birth_date"} <= set(body["error"]["fields"])


@pytest.mark.parametrize("method", ["PUT", "PATCH", "DELETE"])
async def test_rest_write_with_stale_if_match_is_409_and_writes_nothing(clinic, method):
    did = (await clinic.hub.services.doctors.create(SYSTEM, doctor_data(last_name="Libre")))["id"]
    before = await dump(clinic.hub)
    json_ = doctor_data() if method != "DELETE" else None
    status, body = await send(clinic, method, f"/doctors/{did}", json=json_, headers={"If-Match": "5"})
    assert status == 409
    assert body["error"]["code"] == "version_conflict"
    assert body["error"]["current_version"] == 1
    assert await dump(clinic.hub) == before


@pytest.mark.parametrize("resource", ["doctors", "appointments", "patients"])
async def test_rest_write_with_if_match_below_one_is_409(clinic, subtests, resource):
    record = {"doctors": clinic.doctor, "appointments": clinic.own_appointment, "patients": clinic.patient}[resource]
    change = {"doctors": {"room": "Z"}, "appointments": {"notes": "Z"}, "patients": {"phone": "+34 600 000 001"}}[resource]
    before = await dump(clinic.hub)
    for method, value in (("PATCH", "0"), ("PATCH", "-1"), ("DELETE", "0")):
        with subtests.test(method=method, value=value):
            status, body = await send(clinic, method, f"/{resource}/{record['id']}", json=change if method == "PATCH" else None,
                                      headers={"If-Match": value})
            assert status == 409, body
    assert await dump(clinic.hub) == before


async def test_rest_write_with_non_numeric_if_match_is_422(clinic):
    status, body = await send(clinic, "PATCH", f"/doctors/{clinic.doctor['id']}", json={"room": "Z"},
                              headers={"If-Match": "W/abc"})
    assert status == 422
    assert "If-Match" in body["error"]["fields"]


async def test_rest_patient_search_route_finds_by_folded_name(clinic):
    status, found = await send(clinic, "GET", "/patients/search", role="reception", params={"q": "JOSE peña"})
    assert status == 200
    assert [p["id"] for p in found] == [clinic.patient["id"]]


async def test_rest_route_without_token_is_401(clinic, subtests):
    for path in ("/patients", "/doctors/x", "/appointments", "/users", "/patients/search?q=a"):
        with subtests.test(path=path):
            resp = await clinic.hub.http.get(f"{clinic.hub.url}{path}")
            assert resp.status == 401
            assert (await resp.json())["error"]["code"] == "missing_token"


async def test_rest_unknown_route_is_404_json(clinic):
    status, body = await send(clinic, "GET", "/nurses")
    assert status == 404
    assert body["error"]["code"] == "not_found"


async def test_rest_wrong_method_is_405_json(clinic):
    status, body = await send(clinic, "POST", f"/patients/{clinic.patient['id']}", json={})
    assert status == 405
    assert body["error"]["code"] == "method_not_allowed"


async def test_rest_create_with_body_that_is_not_an_object_is_400(clinic, subtests):
    before = await dump(clinic.hub)
    for raw in (b"", b"{", b"[]", b"null", b"42", b'"patient"'):
        with subtests.test(raw=raw):
            status, body = await send(clinic, "POST", "/patients", data=raw, headers={"Content-Type": "application/json"})
            assert status == 400
            assert body["error"]["code"] == "malformed"
    assert await dump(clinic.hub) == before


async def test_rest_body_over_the_message_limit_is_413_too_large(clinic):
    status, body = await send(clinic, "POST", "/patients", json=patient_data(address="x" * 70_000))
    assert status == 413
    assert body["error"]["code"] == "too_large"


async def test_rest_user_created_over_users_route_can_log_in_and_is_listed_by_email(clinic):
    status, created = await send(clinic, "POST", "/users", json=user_data(email="Nurse@Clinic.test"))
    assert status == 201
    assert created["email"] == "nurse@clinic.test"
    assert (await login(clinic.hub, "nurse@clinic.test", "a-long-password-1")).status == 200


async def test_rest_user_password_patch_is_hashed_and_takes_effect(clinic):
    _, created = await send(clinic, "POST", "/users", json=user_data())
    status, patched = await send(clinic, "PATCH", f"/users/{created['id']}", json={"password": "another-long-secret"})
    assert status == 200
    assert "password" not in patched and "password_hash" not in patched
    stored = await clinic.hub.store.get("users", created["id"])
    assert "password" not in stored and stored["password_hash"].startswith("$2b$")
    assert (await login(clinic.hub, "nurse@clinic.test", "another-long-secret")).status == 200
    assert (await login(clinic.hub, "nurse@clinic.test", "a-long-password-1")).status == 401


async def test_rest_user_list_never_shows_password_hashes(clinic):
    status, users = await send(clinic, "GET", "/users", params={"limit": "200"})
    assert status == 200
    assert len(users) >= 4
    assert all("password_hash" not in u and "password" not in u for u in users)


async def test_rest_deactivated_user_can_no_longer_log_in(clinic):
    reception = clinic.users["reception"]
    status, _ = await send(clinic, "PATCH", f"/users/{reception['id']}", json={"active": False})
    assert status == 200
    assert (await login(clinic.hub, "reception@clinic.test", "correct-horse-battery")).status == 401
