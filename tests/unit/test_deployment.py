"""compose.yaml and deploy/: the safe deployment defaults (issue: security hardening).

Docker is not available here, so the file is read as data and checked for what a reviewer
would check by hand: one published port, no admin console, a password on Valkey, secrets
only from the environment, and placeholders that the hub refuses in production.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from hub.config import load_config
from hub.errors import ConfigError

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = yaml.safe_load((ROOT / "compose.yaml").read_text())
SERVICES = COMPOSE["services"]
HUBS = ("hub-1", "hub-2")


def example_env() -> dict[str, str]:
    pairs = (line.split("=", 1) for line in (ROOT / "deploy/example.env").read_text().splitlines())
    return {k.strip(): v.strip() for k, v in (p for p in pairs if len(p) == 2 and not p[0].startswith("#"))}


def test_compose_only_the_proxy_publishes_a_port():
    published = {name for name, service in SERVICES.items() if service.get("ports")}
    assert published == {"proxy"}


def test_compose_runs_rethinkdb_valkey_two_hubs_and_a_proxy():
    assert {"rethinkdb", "valkey", *HUBS, "proxy"} <= set(SERVICES)
    upstreams = re.findall(r"server (hub-\d):8080", (ROOT / "deploy/nginx.conf").read_text())
    assert sorted(upstreams) == sorted(HUBS)


def test_compose_data_services_sit_on_an_internal_network_only():
    assert COMPOSE["networks"]["data"]["internal"] is True
    for name in ("rethinkdb", "valkey"):
        assert SERVICES[name]["networks"] == ["data"]


def test_compose_rethinkdb_has_no_admin_console_and_a_password():
    command = SERVICES["rethinkdb"]["command"]
    assert "--no-http-admin" in command
    assert any("RETHINKDB_PASSWORD:?" in part for part in command)


def test_compose_valkey_requires_a_password_and_disables_the_default_user():
    command = SERVICES["valkey"]["command"]
    joined = " ".join(command)
    assert "--user default off" in joined
    assert any(part.startswith(">${VALKEY_PASSWORD:?") for part in command)


@pytest.mark.parametrize("hub", HUBS)
def test_compose_hubs_run_in_production_with_secrets_from_the_environment(hub):
    env = SERVICES[hub]["environment"]
    assert env["HUB_MODE"] == "production"
    assert env["HUB_JWT_SECRET"].startswith("${HUB_JWT_SECRET:?")
    assert "${VALKEY_PASSWORD:?" in env["HUB_VALKEY_URL"]
    assert "${RETHINKDB_PASSWORD:?" in env["HUB_RETHINKDB_URL"]


def test_example_env_secrets_are_placeholders_the_hub_refuses_in_production():
    example = example_env()
    assert all("CHANGE-ME" in example[k] for k in ("HUB_JWT_SECRET", "VALKEY_PASSWORD", "RETHINKDB_PASSWORD"))
    with pytest.raises(ConfigError, match="placeholder"):
        load_config({"HUB_MODE": "production", "HUB_JWT_SECRET": example["HUB_JWT_SECRET"]}, dotenv_path=None)
