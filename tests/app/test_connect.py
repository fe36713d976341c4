"""Socket.IO connect: the JWT comes in the auth payload; every refusal has a code (P1-P3)."""

import base64
import json
import time
import warnings

import jwt
import pytest

from hub.auth import passwords
from hub.keys import sessions_key
from tests.app.support import NAMESPACES, login, refusal, room_members, settle
from tests.conftest import PASSWORD, TEST_SECRET, call


def claims(sub: str, **overrides):
    now = int(time.time())
    base = {"sub": sub, "role": "reception", "iat": now, "exp": now + 600, "iss": "clinic-hub", "aud": "clinic-hub"}
    base.update(overrides)
    return {k: v for k, v in base.items() if v is not None}


def sign(payload, key=TEST_SECRET, algorithm="HS256"):
    with warnings.catch_warnings():  # HS512 with our 50-byte test key: pyjwt warns about the key length
        warnings.simplefilter("ignore", jwt.warnings.InsecureKeyLengthWarning)
        return jwt.encode(payload, key, algorithm=algorithm)


def unsigned(payload) -> str:
    def b64(obj):
        return base64.urlsafe_b64encode(json.dumps(obj).encode()).rstrip(b"=").decode()

    return f"{b64({'alg': 'none', 'typ': 'JWT'})}.{b64(payload)}."


async def test_connect_with_login_token_succeeds_and_joins_no_foreign_namespace(hub):
    await hub.user("reception", email="desk@clinic.test")
    token = (await (await login(hub, "desk@clinic.test", PASSWORD)).json())["access_token"]
    client = await hub.connect("/patients", token)
    assert client.connected
    assert client.get_sid("/patients") in room_members(hub, "/patients")
    assert not room_members(hub, "/doctors") and not room_members(hub, "/appointments")


async def test_connect_without_token_is_refused_missing_token(hub, subtests):
    for auth in (None, {}, {"token": ""}, {"token": None}, "not-an-object", {"jwt": "x.y.z"}):
        with subtests.test(auth=auth):
            error = await refusal(hub, "/patients", auth)
            assert error["message"] == "missing_token"
            assert error["data"]["code"] == "missing_token"
            assert error["data"]["message"]


async def test_connect_token_in_query_string_is_ignored_missing_token(hub):
    user = await hub.user("reception", email="desk@clinic.test")
    hub_url = hub.url
    hub.url = f"{hub_url}?token={hub.token(user)}"
    try:
        error = await refusal(hub, "/patients", None)
    finally:
        hub.url = hub_url
    assert error["message"] == "missing_token"


async def test_connect_with_malformed_token_is_refused_invalid_token(hub, subtests):
    for auth in ({"token": "garbage"}, {"token": 12345}, {"token": ["a"]}, {"token": {"t": 1}}):
        with subtests.test(auth=auth):
            error = await refusal(hub, "/patients", auth)
            assert error == {"message": "invalid_token",
                             "data": {"code": "invalid_token", "message": "Authentication failed."}}


async def test_connect_with_expired_token_is_refused_token_expired(hub):
    user = await hub.user("display", email="screen@clinic.test")
    now = int(time.time())
    token = sign(claims(user["id"], iat=now - 3600, exp=now - 120))
    error = await refusal(hub, "/patients", {"token": token})
    assert error["message"] == "token_expired"
    assert error["data"]["code"] == "token_expired"
    assert "expired" in error["data"]["message"]


async def test_connect_display_role_to_record_namespace_is_refused_forbidden(hub, subtests):
    user = await hub.user("display", email="screen@clinic.test")
    for namespace in NAMESPACES:
        with subtests.test(namespace=namespace):
            error = await refusal(hub, namespace, {"token": hub.token(user)})
            assert error["message"] == "forbidden"
            assert error["data"]["code"] == "forbidden"


async def test_connect_role_comes_from_the_account_not_the_token(hub):
    user = await hub.user("display", email="screen@clinic.test")
    forged_role = sign(claims(user["id"], role="admin"))
    error = await refusal(hub, "/patients", {"token": forged_role})
    assert error["message"] == "forbidden"


async def test_connect_token_of_deleted_user_is_refused_invalid_token(hub):
    user = await hub.user("reception", email="desk@clinic.test")
    token = hub.token(user)
    await hub.store.delete("users", user["id"])
    assert (await refusal(hub, "/patients", {"token": token}))["message"] == "invalid_token"


async def test_connect_token_of_disabled_user_is_refused_invalid_token(hub):
    user = await hub.user("reception", email="desk@clinic.test")
    token = hub.token(user)
    await hub.store.update("users", user["id"], {"active": False})
    assert (await refusal(hub, "/patients", {"token": token}))["message"] == "invalid_token"


async def test_connect_forged_tokens_are_all_refused_with_the_same_generic_invalid_token(hub, subtests):
    user = await hub.user("admin", email="boss@clinic.test")
    sub = user["id"]
    forgeries = {
        "alg_none": lambda: unsigned(claims(sub)),
        "wrong_key": lambda: sign(claims(sub), key="wrong-secret-0123456789-abcdefghijklmnopqrstuvwxyz"),
        "hs512": lambda: sign(claims(sub), algorithm="HS512"),
        "no_exp": lambda: sign(claims(sub, exp=None)),
        "wrong_issuer": lambda: sign(claims(sub, iss="evil")),
        "wrong_audience": lambda: sign(claims(sub, aud="evil")),
        "int_sub": lambda: sign(claims(1001)),
    }
    for kind, forge in forgeries.items():
        with subtests.test(kind=kind):
            error = await refusal(hub, "/patients", {"token": forge()})
            assert error == {"message": "invalid_token",
                             "data": {"code": "invalid_token", "message": "Authentication failed."}}


async def test_connect_correctly_signed_token_passes_the_same_checks(hub):
    """The forgeries above differ from this token in exactly one respect each."""
    user = await hub.user("admin", email="boss@clinic.test")
    client = await hub.connect("/patients", sign(claims(user["id"])))
    assert client.connected


async def test_connect_iat_two_seconds_ahead_is_accepted_as_clock_skew(hub):
    user = await hub.user("reception", email="desk@clinic.test")
    now = int(time.time())
    client = await hub.connect("/patients", sign(claims(user["id"], iat=now + 2, exp=now + 602)))
    assert (await call(client, "/patients", "list", {}))["ok"] is True


async def test_connect_user_with_numeric_looking_id_logs_in_and_connects(hub):
    hashed = await passwords.hash_password(PASSWORD, 4)
    await hub.store.insert("users", {"id": "1001", "email": "num@clinic.test", "first_name": "N", "last_name": "Um",
                                     "role": "reception", "active": True, "doctor_id": None, "password_hash": hashed})
    resp = await login(hub, "num@clinic.test", PASSWORD)
    assert resp.status == 200
    token = (await resp.json())["access_token"]
    assert jwt.decode(token, options={"verify_signature": False})["sub"] == "1001"
    client = await hub.connect("/patients", token)
    assert (await call(client, "/patients", "list", {}))["ok"] is True
    me = await hub.http.get(f"{hub.url}/auth/me", headers={"Authorization": f"Bearer {token}"})
    assert (await me.json())["id"] == "1001"


@pytest.mark.parametrize("auth_kind", ["missing", "invalid", "expired", "forbidden"])
async def test_connect_refused_leaves_no_session_or_room_behind(hub, auth_kind):
    from hub.keys import sio_key

    display = await hub.user("display", email="screen@clinic.test")
    now = int(time.time())
    auth = {
        "missing": None,
        "invalid": {"token": "x.y.z"},
        "expired": {"token": sign(claims(display["id"], iat=now - 999, exp=now - 100))},
        "forbidden": {"token": hub.token(display)},
    }[auth_kind]
    sio = hub.app[sio_key]
    await refusal(hub, "/patients", auth)
    await settle(lambda: not sio.eio.sockets)
    assert room_members(hub, "/patients") == set()
    assert not sio.environ
    assert not hub.app[sessions_key].principals


async def test_connect_then_disconnect_leaves_no_session_behind(hub):
    from hub.keys import sio_key

    user = await hub.user("reception", email="desk@clinic.test")
    client = await hub.connect("/patients", hub.token(user))
    assert len(hub.app[sessions_key].principals) == 1
    await client.disconnect()
    await settle(lambda: not hub.app[sio_key].eio.sockets)
    assert not hub.app[sessions_key].principals
    assert room_members(hub, "/patients") == set()


async def test_connect_expired_token_after_connect_gets_token_expired_on_events(start_hub, tmp_path):
    from tests.conftest import make_config

    hub = await start_hub(make_config(tmp_path, HUB_JWT_LEEWAY_SECONDS="0"))
    user = await hub.user("reception", email="desk@clinic.test")
    now = int(time.time())
    client = await hub.connect("/patients", sign(claims(user["id"], iat=now - 10, exp=now + 1)))
    assert (await call(client, "/patients", "list", {}))["ok"] is True
    await settle(lambda: time.time() > now + 2.2, timeout=5)
    ack = await call(client, "/patients", "list", {})
    assert ack["ok"] is False
    assert ack["error"]["code"] == "token_expired"
    assert client.connected
