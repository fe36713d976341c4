"""One typed, validated configuration (issue 2: config)."""

from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from hub.config import SETTINGS, load_config, unsafe_settings, with_development_secret
from hub.errors import ConfigError

GOOD_SECRET = "k3Jq9-vX2mP8rT5wY7zB4nC6dF1gH0jL-production"


def load(**env):
    return load_config(env, dotenv_path=None)


def problems(**env) -> list[str]:
    with pytest.raises(ConfigError) as info:
        load(**env)
    return info.value.problems


def test_load_config_no_environment_gives_documented_development_defaults():
    config = load()
    assert config.mode == "development"
    assert config.store == "sqlite"
    assert config.jwt_algorithm == "HS256"
    assert config.timezone == ZoneInfo("Europe/Madrid")
    assert config.max_message_bytes == 65536
    assert config.allowed_origins == ()
    assert config.access_token_minutes == 60
    assert config.sqlite_path == Path("var/clinic-hub.sqlite3")


def test_settings_every_setting_has_a_default_and_help():
    names = [s.env for s in SETTINGS]
    assert len(names) == len(set(names))
    for name in ("HUB_STORE", "HUB_SQLITE_PATH", "HUB_RETHINKDB_URL", "HUB_VALKEY_URL", "HUB_JWT_SECRET",
                 "HUB_JWT_ALGORITHM", "HUB_JWT_ISSUER", "HUB_JWT_AUDIENCE", "HUB_ACCESS_TOKEN_MINUTES",
                 "HUB_ALLOWED_ORIGINS", "HUB_TIMEZONE", "HUB_MAX_MESSAGE_BYTES", "HUB_MODE"):
        assert name in names
    assert all(s.help for s in SETTINGS)


def test_load_config_rethinkdb_url_selects_rethinkdb_store():
    assert load(HUB_RETHINKDB_URL="rethinkdb://localhost/clinic").store == "rethinkdb"


def test_load_config_origins_list_is_split_and_trimmed():
    config = load(HUB_ALLOWED_ORIGINS=" https://a.example , https://b.example,, ")
    assert config.allowed_origins == ("https://a.example", "https://b.example")


def test_load_config_dotenv_is_read_and_environment_wins(tmp_path):
    dotenv = tmp_path / ".env"
    dotenv.write_text("HUB_PORT=9000\nHUB_TIMEZONE=Europe/Lisbon\n")
    config = load_config({"HUB_PORT": "9100"}, dotenv_path=dotenv)
    assert config.port == 9100
    assert config.timezone == ZoneInfo("Europe/Lisbon")


@pytest.mark.parametrize(
    "env, fragment",
    [
        ({"HUB_MODE": "staging"}, "HUB_MODE"),
        ({"HUB_PORT": "eighty"}, "HUB_PORT must be an integer"),
        ({"HUB_PORT": "70000"}, "HUB_PORT must be between"),
        ({"HUB_TIMEZONE": "Mars/Olympus"}, "IANA"),
        ({"HUB_JWT_ALGORITHM": "none"}, "HUB_JWT_ALGORITHM"),
        ({"HUB_JWT_ALGORITHM": "RS256"}, "HUB_JWT_ALGORITHM"),
        ({"HUB_STORE": "mysql"}, "HUB_STORE"),
        ({"HUB_STORE": "rethinkdb"}, "needs HUB_RETHINKDB_URL"),
        ({"HUB_RETHINKDB_URL": "http://db"}, "rethinkdb://"),
        ({"HUB_VALKEY_URL": "http://cache"}, "HUB_VALKEY_URL"),
        ({"HUB_NATIONAL_ID_FORMATS": "es,us"}, "unknown formats"),
        ({"HUB_MAX_MESSAGE_BYTES": "100"}, "HUB_MAX_MESSAGE_BYTES"),
        ({"HUB_MAX_MESSAGE_BYTES": "4096", "HUB_MAX_TRANSPORT_BYTES": "2048"}, "at least HUB_MAX_MESSAGE_BYTES"),
        ({"HUB_BCRYPT_ROUNDS": "3"}, "HUB_BCRYPT_ROUNDS"),
        ({"HUB_LOG_FORMAT": "xml"}, "HUB_LOG_FORMAT"),
        ({"HUB_EVENT_LOOP": "trio"}, "HUB_EVENT_LOOP"),
        ({"HUB_WS_COMPRESSION": "yes"}, "HUB_WS_COMPRESSION"),
        ({"HUB_PING_INTERVAL_SECONDS": "1"}, "HUB_PING_INTERVAL_SECONDS"),
    ],
)
def test_load_config_bad_value_is_refused_naming_the_setting(env, fragment):
    assert any(fragment in p for p in problems(**env))


def test_load_config_several_problems_are_all_reported():
    assert len(problems(HUB_PORT="x", HUB_TIMEZONE="Nowhere/None", HUB_MODE="qa")) == 3


@pytest.mark.parametrize("secret", ["", "change-me", "CHANGE-ME-to-a-long-random-string", "please-change-this-secret-0123456789"])
def test_load_config_production_with_placeholder_secret_is_refused(secret):
    assert any("placeholder" in p for p in problems(HUB_MODE="production", HUB_JWT_SECRET=secret))


def test_load_config_production_with_short_secret_is_refused():
    assert any("at least 32" in p for p in problems(HUB_MODE="production", HUB_JWT_SECRET="x7Gq2"))


def test_load_config_production_with_star_origins_is_refused():
    found = problems(HUB_MODE="production", HUB_JWT_SECRET=GOOD_SECRET, HUB_ALLOWED_ORIGINS="https://a.example,*")
    assert any("not *" in p for p in found)


def test_load_config_production_with_safe_settings_is_valid():
    config = load(HUB_MODE="production", HUB_JWT_SECRET=GOOD_SECRET, HUB_ALLOWED_ORIGINS="https://clinic.example")
    assert config.production
    assert config.log_format == "json"


def test_unsafe_settings_development_defaults_are_warned_about():
    warnings = unsafe_settings(load(HUB_BCRYPT_ROUNDS="4", HUB_ALLOWED_ORIGINS="*"))
    assert any("development" in w for w in warnings)
    assert any("HUB_ALLOWED_ORIGINS=*" in w for w in warnings)
    assert any("HUB_BCRYPT_ROUNDS=4" in w for w in warnings)


def test_with_development_secret_is_generated_once_and_reused(tmp_path):
    config = load(HUB_DATA_DIR=str(tmp_path / "var"))
    first = with_development_secret(config)
    second = with_development_secret(config)
    assert len(first.jwt_secret) >= 32
    assert first.jwt_secret == second.jwt_secret
    assert (tmp_path / "var" / "jwt-secret").stat().st_mode & 0o777 == 0o600


def test_with_development_secret_keeps_a_configured_secret(tmp_path):
    config = load(HUB_DATA_DIR=str(tmp_path), HUB_JWT_SECRET=GOOD_SECRET)
    assert with_development_secret(config).jwt_secret == GOOD_SECRET
    assert not (tmp_path / "jwt-secret").exists()


@pytest.mark.parametrize("algorithm, length", [("HS384", 47), ("HS512", 63)])
def test_load_config_production_secret_shorter_than_the_algorithm_digest_is_refused(algorithm, length):
    found = problems(HUB_MODE="production", HUB_JWT_ALGORITHM=algorithm, HUB_JWT_SECRET="k" * length)
    assert any("HUB_JWT_SECRET must be at least" in p for p in found)


def test_load_config_production_hs512_with_long_secret_is_valid():
    assert load(HUB_MODE="production", HUB_JWT_ALGORITHM="HS512", HUB_JWT_SECRET="k" * 64).jwt_algorithm == "HS512"
