"""Brute force on /auth/login: throttled per account and per address, and blind to whether the email exists."""

from __future__ import annotations

import asyncio
import socket

from hub.auth.throttle import LoginThrottle
from hub.auth.throttle_valkey import ValkeyCounters
from hub.errors import RateLimited
from tests.app.support import login
from tests.conftest import PASSWORD, make_config

WRONG = "wrong-password-123"


async def fail(hub, email, times):
    statuses = [(await login(hub, email, WRONG)).status for _ in range(times)]
    return statuses


async def error_of(resp):
    return (await resp.json())["error"]


async def test_brute_force_on_an_account_gets_429_with_retry_after_even_for_the_right_password(hub):
    await hub.user("reception", email="desk@clinic.test")
    assert await fail(hub, "desk@clinic.test", 10) == [401] * 10
    resp = await login(hub, "desk@clinic.test", PASSWORD)
    assert resp.status == 429
    assert int(resp.headers["Retry-After"]) >= 1
    error = await error_of(resp)
    assert error["code"] == "rate_limited"
    assert 0 < error["retry_after"] <= 5
    assert "access_token" not in await resp.text()


async def test_brute_force_counts_the_email_however_it_is_spelled(hub):
    await hub.user("reception", email="desk@clinic.test")
    for spelling in ("desk@clinic.test", " DESK@clinic.test", "Desk@Clinic.Test "):
        await fail(hub, spelling, 3)
    assert (await login(hub, "desk@clinic.test", WRONG)).status == 401  # the 10th failure
    assert (await login(hub, "DESK@CLINIC.TEST", PASSWORD)).status == 429


def _shape(resp, body):
    headers = {k: v for k, v in resp.headers.items() if k not in ("Date", "Retry-After", "Content-Length")}
    error = dict(body["error"])
    error.pop("retry_after", None)
    return resp.status, headers, error


async def test_unknown_email_is_throttled_exactly_like_a_known_one(start_hub, tmp_path):
    shapes = {}
    for email in ("desk@clinic.test", "nobody@clinic.test"):
        hub = await start_hub(make_config(tmp_path / email))
        await hub.user("reception", email="desk@clinic.test")
        seen = []
        for _ in range(11):
            resp = await login(hub, email, WRONG)
            seen.append(_shape(resp, await resp.json()))
        shapes[email] = seen
    assert shapes["desk@clinic.test"] == shapes["nobody@clinic.test"]
    assert [s[0] for s in shapes["nobody@clinic.test"]] == [401] * 10 + [429]


async def test_successful_login_resets_the_account_counter(hub):
    await hub.user("reception", email="desk@clinic.test")
    assert await fail(hub, "desk@clinic.test", 9) == [401] * 9
    assert (await login(hub, "desk@clinic.test", PASSWORD)).status == 200
    assert await fail(hub, "desk@clinic.test", 9) == [401] * 9
    assert (await login(hub, "desk@clinic.test", PASSWORD)).status == 200


async def test_throttling_one_account_leaves_other_accounts_alone(hub):
    await hub.user("reception", email="desk@clinic.test")
    await hub.user("admin", email="boss@clinic.test")
    await fail(hub, "desk@clinic.test", 10)
    assert (await login(hub, "desk@clinic.test", PASSWORD)).status == 429
    assert (await login(hub, "boss@clinic.test", PASSWORD)).status == 200


async def test_delay_grows_with_each_failure_after_the_limit(start_hub, tmp_path):
    hub = await start_hub(make_config(tmp_path, HUB_LOGIN_MAX_FAILURES="2", HUB_LOGIN_DELAY_SECONDS="1"))
    assert await fail(hub, "desk@clinic.test", 2) == [401, 401]
    first = await login(hub, "desk@clinic.test", WRONG)
    assert (first.status, first.headers["Retry-After"]) == (429, "1")
    await asyncio.sleep(1.05)
    assert (await login(hub, "desk@clinic.test", WRONG)).status == 401  # the 3rd failure: 2 s now
    second = await login(hub, "desk@clinic.test", WRONG)
    assert (second.status, second.headers["Retry-After"]) == (429, "2")
    assert 1 < (await error_of(second))["retry_after"] <= 2


async def test_password_spraying_from_one_address_is_throttled_per_address(start_hub, tmp_path):
    hub = await start_hub(make_config(tmp_path, HUB_LOGIN_CLIENT_MAX_FAILURES="5"))
    await hub.user("reception", email="desk@clinic.test")
    for n in range(5):
        assert (await login(hub, f"user{n}@clinic.test", WRONG)).status == 401
    resp = await login(hub, "desk@clinic.test", PASSWORD)
    assert resp.status == 429
    assert (await error_of(resp))["code"] == "rate_limited"


async def test_malformed_login_bodies_are_not_counted_as_failures(hub):
    await hub.user("reception", email="desk@clinic.test")
    for _ in range(12):
        resp = await hub.http.post(f"{hub.url}/auth/login", data=b"not json", headers={"Content-Type": "application/json"})
        assert resp.status == 400
        await resp.read()
    assert (await login(hub, "desk@clinic.test", PASSWORD)).status == 200


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


async def test_throttle_falls_back_to_this_instance_when_valkey_is_down(tmp_path, caplog):
    config = make_config(tmp_path, HUB_LOGIN_MAX_FAILURES="3")
    shared = ValkeyCounters(f"valkey://127.0.0.1:{_closed_port()}/0", "test:login", LoginThrottle(config).policy)
    throttle = LoginThrottle(config, shared)
    try:
        for _ in range(3):
            await throttle.check("desk@clinic.test", "10.0.0.1")
            await throttle.failed("desk@clinic.test", "10.0.0.1")
        try:
            await throttle.check("desk@clinic.test", "10.0.0.1")
        except RateLimited as exc:
            assert exc.retry_after > 0
        else:
            raise AssertionError("the account was not throttled while Valkey was down")
    finally:
        await throttle.close()
    warnings = [r for r in caplog.records if "Valkey unavailable" in r.getMessage()]
    assert len(warnings) == 1
