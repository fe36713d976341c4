"""The security settings: documented defaults, ranges, and a check-config warning for each unsafe value."""

import pytest

from hub.config import SETTINGS, load_config, unsafe_settings
from hub.errors import ConfigError

GOOD_SECRET = "k3Jq9-vX2mP8rT5wY7zB4nC6dF1gH0jL-production"
SECURITY_DEFAULTS = {
    "HUB_LOGIN_MAX_FAILURES": ("login_max_failures", 10),
    "HUB_LOGIN_CLIENT_MAX_FAILURES": ("login_client_max_failures", 50),
    "HUB_LOGIN_WINDOW_SECONDS": ("login_window_seconds", 300),
    "HUB_LOGIN_DELAY_SECONDS": ("login_delay_seconds", 5),
    "HUB_LOGIN_MAX_DELAY_SECONDS": ("login_max_delay_seconds", 900),
    "HUB_STAFF_IDLE_MINUTES": ("staff_idle_minutes", 15),
    "HUB_SOCKET_RATE_PER_SECOND": ("socket_rate_per_second", 20),
    "HUB_SOCKET_BURST": ("socket_burst", 40),
    "HUB_SOCKET_ABUSE_LIMIT": ("socket_abuse_limit", 100),
    "HUB_MAX_IMPORT_BYTES": ("max_import_bytes", 16 * 1024 * 1024),
    "HUB_MAX_MESSAGE_BYTES": ("max_message_bytes", 65536),
}


def load(**env):
    return load_config(env, dotenv_path=None)


def test_security_settings_are_documented_with_their_defaults():
    documented = {s.env: s for s in SETTINGS}
    config = load()
    for env, (field, default) in SECURITY_DEFAULTS.items():
        assert documented[env].help
        assert int(documented[env].default) == default == getattr(config, field)


@pytest.mark.parametrize("env, value", [
    ("HUB_LOGIN_MAX_FAILURES", "0"), ("HUB_SOCKET_RATE_PER_SECOND", "0"), ("HUB_SOCKET_BURST", "x"),
    ("HUB_MAX_IMPORT_BYTES", "10"), ("HUB_STAFF_IDLE_MINUTES", "-1"), ("HUB_LOGIN_DELAY_SECONDS", "0"),
])
def test_security_setting_out_of_range_is_refused_naming_it(env, value):
    with pytest.raises(ConfigError) as info:
        load(**{env: value})
    assert any(env in problem for problem in info.value.problems)


def test_safe_production_config_has_no_security_warnings():
    config = load(HUB_MODE="production", HUB_JWT_SECRET=GOOD_SECRET, HUB_ALLOWED_ORIGINS="https://clinic.example",
                  HUB_VALKEY_URL="valkey://valkey:6379/0")
    assert unsafe_settings(config) == []


@pytest.mark.parametrize("env, value", [
    ("HUB_LOGIN_MAX_FAILURES", "50"),
    ("HUB_LOGIN_CLIENT_MAX_FAILURES", "1000"),
    ("HUB_LOGIN_WINDOW_SECONDS", "10"),
    ("HUB_LOGIN_MAX_DELAY_SECONDS", "10"),
    ("HUB_STAFF_IDLE_MINUTES", "0"),
    ("HUB_STAFF_IDLE_MINUTES", "240"),
    ("HUB_SOCKET_RATE_PER_SECOND", "500"),
    ("HUB_SOCKET_BURST", "5000"),
    ("HUB_SOCKET_ABUSE_LIMIT", "0"),
    ("HUB_MAX_MESSAGE_BYTES", "1048576"),
    ("HUB_MAX_IMPORT_BYTES", "268435456"),
    ("HUB_LOG_LEVEL", "DEBUG"),
])
def test_each_unsafe_security_setting_is_warned_about_by_name(env, value):
    safe = {"HUB_MODE": "production", "HUB_JWT_SECRET": GOOD_SECRET, "HUB_ALLOWED_ORIGINS": "https://clinic.example",
            "HUB_VALKEY_URL": "valkey://valkey:6379/0"}
    warnings = unsafe_settings(load(**{**safe, env: value}))
    assert len(warnings) == 1, warnings
    assert env in warnings[0]
