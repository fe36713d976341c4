"""REST login, /auth/me and admin-only registration."""

import jwt

from tests.app.support import login, status_of
from tests.conftest import PASSWORD, TEST_SECRET


async def test_login_json_right_credentials_returns_bearer_token(hub):
    user = await hub.user("reception", email="desk@clinic.test")
    resp = await login(hub, "desk@clinic.test", PASSWORD)
    assert resp.status == 200
    body = await resp.json()
    assert set(body) == {"access_token", "token_type", "expires_in", "idle_logoff_minutes"}
    assert body["token_type"] == "bearer"
    assert body["idle_logoff_minutes"] == 15
    assert body["expires_in"] == 3600
    claims = jwt.decode(body["access_token"], TEST_SECRET, algorithms=["HS256"], audience="clinic-hub")
    assert claims["sub"] == user["id"]
    assert claims["role"] == "reception"
    assert {"exp", "iat", "iss", "aud"} <= set(claims)


async def test_login_oauth2_form_right_credentials_returns_bearer_token(hub):
    await hub.user("doctor", email="doc@clinic.test", doctor_id=(await _doctor(hub))["id"])
    resp = await hub.http.post(f"{hub.url}/auth/login", data={"username": "doc@clinic.test", "password": PASSWORD,
                                                              "grant_type": "password"})
    assert resp.status == 200
    assert (await resp.json())["token_type"] == "bearer"


async def test_login_email_is_case_and_space_insensitive(hub):
    await hub.user("reception", email="desk@clinic.test")
    resp = await login(hub, "  DESK@Clinic.Test ", PASSWORD)
    assert resp.status == 200


async def test_login_wrong_password_or_unknown_email_gives_the_same_401(hub):
    await hub.user("reception", email="desk@clinic.test")
    wrong = await login(hub, "desk@clinic.test", "not-the-password")
    unknown = await login(hub, "nobody@clinic.test", "not-the-password")
    assert wrong.status == unknown.status == 401
    assert await wrong.json() == await unknown.json()
    assert (await wrong.json())["error"]["code"] == "invalid_credentials"
    assert wrong.headers["WWW-Authenticate"] == "Bearer"


async def test_login_wrong_form_credentials_gives_the_same_401_as_json(hub):
    await hub.user("reception", email="desk@clinic.test")
    form = await hub.http.post(f"{hub.url}/auth/login", data={"username": "desk@clinic.test", "password": "nope-nope"})
    json_ = await login(hub, "desk@clinic.test", "nope-nope")
    assert form.status == 401
    assert await form.json() == await json_.json()


async def test_login_inactive_user_is_refused_like_wrong_credentials(hub):
    await hub.user("reception", email="gone@clinic.test", active=False)
    resp = await login(hub, "gone@clinic.test", PASSWORD)
    assert resp.status == 401
    assert (await resp.json())["error"]["code"] == "invalid_credentials"


async def test_login_missing_or_non_string_fields_give_401(hub):
    for body in ({}, {"email": "a@b.es"}, {"email": 5, "password": 6}, {"email": None, "password": ["x"]}):
        assert await status_of(hub.http.post(f"{hub.url}/auth/login", json=body)) == 401, body


async def test_login_body_not_json_object_gives_400(hub):
    for raw in (b"not json", b"[1, 2]", b'"text"'):
        resp = await hub.http.post(f"{hub.url}/auth/login", data=raw, headers={"Content-Type": "application/json"})
        assert resp.status == 400, raw
        assert (await resp.json())["error"]["code"] == "malformed"


async def test_me_with_token_returns_current_user_without_secrets(hub):
    user = await hub.user("display", email="screen@clinic.test")
    resp = await hub.http.get(f"{hub.url}/auth/me", headers=await hub.headers(user))
    assert resp.status == 200
    body = await resp.json()
    assert body["email"] == "screen@clinic.test"
    assert body["role"] == "display"
    assert body["id"] == user["id"]
    assert "password" not in body and "password_hash" not in body


async def test_me_without_token_gives_401_missing_token(hub):
    resp = await hub.http.get(f"{hub.url}/auth/me")
    assert resp.status == 401
    assert (await resp.json())["error"]["code"] == "missing_token"


async def test_me_with_basic_auth_scheme_gives_401(hub):
    assert await status_of(hub.http.get(f"{hub.url}/auth/me", headers={"Authorization": "Basic YTpi"})) == 401


async def test_me_with_token_of_disabled_user_gives_401(hub):
    user = await hub.user("reception", email="desk@clinic.test")
    headers = await hub.headers(user)
    await hub.store.update("users", user["id"], {"active": False})
    resp = await hub.http.get(f"{hub.url}/auth/me", headers=headers)
    assert resp.status == 401
    assert (await resp.json())["error"]["code"] == "invalid_token"


def _new_user(**overrides):
    data = {"email": "new@clinic.test", "first_name": "Nuria", "last_name": "Serrano", "role": "reception",
            "password": "long-enough-password"}
    return {**data, **overrides}


async def test_register_as_admin_creates_account_that_can_log_in(hub):
    admin = await hub.user("admin", email="boss@clinic.test")
    resp = await hub.http.post(f"{hub.url}/auth/register", json=_new_user(), headers=await hub.headers(admin))
    assert resp.status == 201
    body = await resp.json()
    assert body["email"] == "new@clinic.test"
    assert body["active"] is True
    assert "password" not in body and "password_hash" not in body
    assert (await login(hub, "new@clinic.test", "long-enough-password")).status == 200


async def test_register_as_non_admin_gives_403_and_creates_nothing(hub):
    for role in ("reception", "display"):
        user = await hub.user(role, email=f"{role}@clinic.test")
        resp = await hub.http.post(f"{hub.url}/auth/register", json=_new_user(), headers=await hub.headers(user))
        assert resp.status == 403, role
        assert (await resp.json())["error"]["code"] == "forbidden"
    assert await hub.store.find("users", "email", "new@clinic.test") is None


async def test_register_without_token_gives_401(hub):
    assert await status_of(hub.http.post(f"{hub.url}/auth/register", json=_new_user())) == 401


async def test_register_duplicate_email_in_other_case_gives_409(hub):
    admin = await hub.user("admin", email="boss@clinic.test")
    headers = await hub.headers(admin)
    assert await status_of(hub.http.post(f"{hub.url}/auth/register", json=_new_user(), headers=headers)) == 201
    resp = await hub.http.post(f"{hub.url}/auth/register", json=_new_user(email=" NEW@clinic.test"), headers=headers)
    assert resp.status == 409
    assert (await resp.json())["error"]["fields"] == {"email": ["Already exists."]}


async def test_register_invalid_fields_give_422_keyed_by_field(hub):
    admin = await hub.user("admin", email="boss@clinic.test")
    headers = await hub.headers(admin)
    cases = [
        ({"email": "not-an-email"}, "email"),
        ({"role": "superuser"}, "role"),
        ({"first_name": "   "}, "first_name"),
        ({"password": "short"}, "password"),
        ({"password": "password123"}, "password"),
        ({"role": "doctor"}, "doctor_id"),
        ({"role": "doctor", "doctor_id": "no-such-doctor"}, "doctor_id"),
        ({"doctor_id": "d1"}, "doctor_id"),
        ({"is_superuser": True}, "is_superuser"),
        ({"password_hash": "$2b$04$abc"}, "password_hash"),
        ({"active": "yes please"}, "active"),
    ]
    for override, field in cases:
        resp = await hub.http.post(f"{hub.url}/auth/register", json=_new_user(**override), headers=headers)
        assert resp.status == 422, override
        body = await resp.json()
        assert body["error"]["code"] == "invalid"
        assert field in body["error"]["fields"], (override, body)
    assert await hub.store.find("users", "email", "new@clinic.test") is None


async def test_register_password_over_72_bytes_is_refused_with_a_clear_message(hub):
    admin = await hub.user("admin", email="boss@clinic.test")
    resp = await hub.http.post(f"{hub.url}/auth/register", json=_new_user(password="ñ" * 36 + "x"),
                               headers=await hub.headers(admin))
    assert resp.status == 422
    assert any("72 bytes" in m for m in (await resp.json())["error"]["fields"]["password"])


async def test_login_with_password_over_72_bytes_gives_401_not_500(hub):
    await hub.user("reception", email="desk@clinic.test", password="ñ" * 36)
    for password in ("ñ" * 36 + "x", "ñ" * 200, "x" * 5000):
        resp = await login(hub, "desk@clinic.test", password)
        assert resp.status == 401, len(password)
    assert (await login(hub, "desk@clinic.test", "ñ" * 36)).status == 200


async def _doctor(hub):
    from tests.app.support import SYSTEM
    from tests.conftest import doctor_data

    return await hub.services.doctors.create(SYSTEM, doctor_data())


async def test_login_multipart_form_right_credentials_returns_token(hub):
    import aiohttp

    await hub.user("reception", email="desk@clinic.test")
    form = aiohttp.FormData()
    form.add_field("username", "desk@clinic.test")
    form.add_field("password", PASSWORD)
    form.add_field("attachment", b"ignored", filename="a.bin")
    resp = await hub.http.post(f"{hub.url}/auth/login", data=form)
    assert resp.status == 200
    assert (await resp.json())["token_type"] == "bearer"


async def test_login_password_sent_as_a_file_is_401(hub):
    import aiohttp

    await hub.user("reception", email="desk@clinic.test")
    form = aiohttp.FormData()
    form.add_field("username", "desk@clinic.test")
    form.add_field("password", PASSWORD.encode(), filename="password.txt")
    resp = await hub.http.post(f"{hub.url}/auth/login", data=form)
    assert resp.status == 401
    await resp.read()


async def test_login_unreadable_form_body_is_400_not_500(hub):
    cases = [(b"\xff\xfe\x00", "application/x-www-form-urlencoded"),
             (b"--xx\r\nbroken", "multipart/form-data; boundary=xx"),
             (b"--xx\r\nbroken", "multipart/form-data")]
    for raw, content_type in cases:
        resp = await hub.http.post(f"{hub.url}/auth/login", data=raw, headers={"Content-Type": content_type})
        assert resp.status == 400, (raw, await resp.text())
        assert (await resp.json())["error"]["code"] == "malformed"


async def test_login_unknown_email_takes_as_long_as_a_wrong_password(start_hub, tmp_path):
    """The dummy hash checked for unknown emails has the configured cost (here 6, not the default 12)."""
    import time

    from tests.conftest import make_config

    hub = await start_hub(make_config(tmp_path, HUB_BCRYPT_ROUNDS="6"))
    await hub.user("reception", email="desk@clinic.test")

    async def fastest(email):
        times = []
        for _ in range(3):
            began = time.perf_counter()
            assert (await login(hub, email, "wrong-password-123")).status == 401
            times.append(time.perf_counter() - began)
        return min(times)

    known, unknown = await fastest("desk@clinic.test"), await fastest("nobody@clinic.test")
    assert unknown < 4 * known + 0.02, (known, unknown)
    assert known < 4 * unknown + 0.02, (known, unknown)
