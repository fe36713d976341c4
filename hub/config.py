"""One frozen, validated configuration, read from ``HUB_*`` variables and an optional ``.env``.

Every setting is documented in ``SETTINGS`` (name, default, help); the README's
configuration table and ``clinic-hub check-config`` are both generated from it.
"""

from __future__ import annotations

import dataclasses
import os
import secrets
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dotenv import dotenv_values

from hub.config_security import security_warnings
from hub.errors import ConfigError

PLACEHOLDER_SECRETS = frozenset(
    {"", "change-me", "changeme", "secret", "placeholder", "CHANGE-ME-to-a-long-random-string"}
)
MIN_SECRET_LENGTH = 32
# RFC 7518 3.2: an HMAC key at least as long as the hash (pyjwt warns on shorter ones).
MIN_SECRET_BYTES = {"HS256": 32, "HS384": 48, "HS512": 64}
JWT_ALGORITHMS = ("HS256", "HS384", "HS512")
NATIONAL_ID_FORMATS = ("es", "generic")


@dataclasses.dataclass(frozen=True)
class Setting:
    env: str
    default: str
    help: str


SETTINGS: tuple[Setting, ...] = (
    Setting("HUB_MODE", "development", "development | production. Production refuses unsafe settings."),
    Setting("HUB_HOST", "127.0.0.1", "Address `serve` binds to."),
    Setting("HUB_PORT", "8080", "Port `serve` listens on."),
    Setting("HUB_STORE", "", "sqlite | rethinkdb. Empty: rethinkdb when HUB_RETHINKDB_URL is set, else sqlite."),
    Setting("HUB_SQLITE_PATH", "var/clinic-hub.sqlite3", "Embedded store file (created on first run)."),
    Setting("HUB_RETHINKDB_URL", "", "rethinkdb://[user:password@]host[:28015]/database[?tls=1&ca=path]"),
    Setting("HUB_VALKEY_URL", "", "valkey://[:password@]host:6379/0. Empty: single instance, no shared cache."),
    Setting("HUB_VALKEY_CHANNEL", "clinic-hub", "Pub/sub channel prefix shared by the instances of one deployment."),
    Setting("HUB_CACHE", "on", "on | off. With HUB_VALKEY_URL set, cache store reads in Valkey (invalidated on every write; see docs/cache.md)."),
    Setting("HUB_JWT_SECRET", "", "HMAC secret: 32+ bytes (48 for HS384, 64 for HS512). Empty in development: generated once into HUB_DATA_DIR."),
    Setting("HUB_JWT_ALGORITHM", "HS256", "HS256 | HS384 | HS512. Tokens with any other algorithm are refused."),
    Setting("HUB_JWT_ISSUER", "clinic-hub", "`iss` claim issued and required."),
    Setting("HUB_JWT_AUDIENCE", "clinic-hub", "`aud` claim issued and required."),
    Setting("HUB_JWT_LEEWAY_SECONDS", "10", "Clock skew tolerated between instances when checking exp/iat."),
    Setting("HUB_ACCESS_TOKEN_MINUTES", "60", "Lifetime of staff access tokens."),
    Setting("HUB_ALLOWED_ORIGINS", "", "Comma-separated browser origins allowed to connect. Empty: same origin only. `*` is refused in production."),
    Setting("HUB_TIMEZONE", "Europe/Madrid", "The clinic's IANA time zone; naive times are read in it."),
    Setting("HUB_MAX_MESSAGE_BYTES", "65536", "Largest Socket.IO message answered normally; larger ones get `too_large`."),
    Setting("HUB_MAX_TRANSPORT_BYTES", "8388608", "Hard transport limit; a frame above it closes the websocket (code 1009)."),
    Setting("HUB_WS_COMPRESSION", "off", "off | on: accept permessage-deflate on websockets. On costs about 300 KB per socket and a sixth of the CPU of each delivery (see bench/); our frames are small."),
    Setting("HUB_PING_INTERVAL_SECONDS", "25", "Engine.IO heartbeat: the server pings each socket this often; a peer silent for this plus 20 s is dropped. Each ping costs CPU per socket (see bench/ S1)."),
    Setting("HUB_RECOVERY_WINDOW_SECONDS", "600", "How long a disconnected subscriber can resume with its cursor."),
    Setting("HUB_LIST_MAX_LIMIT", "200", "Largest `limit` accepted by list/search."),
    Setting("HUB_NATIONAL_ID_FORMATS", "es", "Accepted national ID formats: es (DNI/NIE with check letter), generic (4-20 letters/digits)."),
    Setting("HUB_DISPLAY_NAMES", "none", "none | initials: what waiting-room displays may show of a patient."),
    Setting("HUB_BCRYPT_ROUNDS", "12", "bcrypt cost factor (4-16)."),
    Setting("HUB_DATA_DIR", "var", "Where development state (generated secret, first admin password) is kept."),
    Setting("HUB_ADMIN_EMAIL", "admin@clinic.local", "Email of the admin created on first run in development."),
    Setting("HUB_LOG_LEVEL", "INFO", "Python log level."),
    Setting("HUB_LOG_FORMAT", "", "text | json. Empty: json in production, text in development."),
    Setting("HUB_EVENT_LOOP", "uvloop", "uvloop | asyncio: the event loop `serve` runs on (uvloop: more creates per second and faster acks under load; see the README's Performance)."),
    Setting("HUB_LOGIN_MAX_FAILURES", "10", "Failed logins per account within the window before each further try must wait (429, Retry-After)."),
    Setting("HUB_LOGIN_CLIENT_MAX_FAILURES", "50", "Failed logins per client address within the window before that address must wait."),
    Setting("HUB_LOGIN_WINDOW_SECONDS", "300", "Window in which failed logins are counted."),
    Setting("HUB_LOGIN_DELAY_SECONDS", "5", "First wait after too many failures; it doubles with every further failure."),
    Setting("HUB_LOGIN_MAX_DELAY_SECONDS", "900", "Longest wait imposed after failed logins."),
    Setting("HUB_STAFF_IDLE_MINUTES", "15", "Staff screens log out after this many idle minutes (sent with the login; displays are exempt). 0: never."),
    Setting("HUB_SOCKET_RATE_PER_SECOND", "20", "Socket events each connection may send per second, on average."),
    Setting("HUB_SOCKET_BURST", "40", "Socket events a connection may send at once before the rate applies."),
    Setting("HUB_SOCKET_ABUSE_LIMIT", "100", "Refused (rate_limited) events within 10 s after which the socket is disconnected. 0: never."),
    Setting("HUB_MAX_IMPORT_BYTES", "16777216", "Largest body of POST /patients/import (JSON array or NDJSON)."),
)


@dataclasses.dataclass(frozen=True)
class Config:
    mode: str
    host: str
    port: int
    store: str
    sqlite_path: Path
    rethinkdb_url: str
    valkey_url: str
    valkey_channel: str
    cache: bool
    jwt_secret: str
    jwt_algorithm: str
    jwt_issuer: str
    jwt_audience: str
    jwt_leeway_seconds: int
    access_token_minutes: int
    allowed_origins: tuple[str, ...]
    timezone: ZoneInfo
    max_message_bytes: int
    max_transport_bytes: int
    ws_compression: bool
    ping_interval_seconds: int
    recovery_window_seconds: int
    list_max_limit: int
    national_id_formats: tuple[str, ...]
    display_names: str
    bcrypt_rounds: int
    data_dir: Path
    admin_email: str
    log_level: str
    log_format: str
    event_loop: str
    login_max_failures: int
    login_client_max_failures: int
    login_window_seconds: int
    login_delay_seconds: int
    login_max_delay_seconds: int
    staff_idle_minutes: int
    socket_rate_per_second: int
    socket_burst: int
    socket_abuse_limit: int
    max_import_bytes: int

    @property
    def production(self) -> bool:
        return self.mode == "production"

    def replace(self, **changes: Any) -> Config:
        return dataclasses.replace(self, **changes)


def _raw(env: Mapping[str, str], dotenv: Mapping[str, str | None]) -> dict[str, str]:
    values = {s.env: s.default for s in SETTINGS}
    for source in (dotenv, env):
        for key, value in source.items():
            if key in values and value is not None:
                values[key] = value.strip()
    return values


class _Reader:
    """Parses raw strings, collecting every problem instead of stopping at the first."""

    def __init__(self, raw: dict[str, str]) -> None:
        self.raw = raw
        self.problems: list[str] = []

    def text(self, key: str) -> str:
        return self.raw[key]

    def integer(self, key: str, low: int, high: int) -> int:
        try:
            value = int(self.raw[key])
        except ValueError:
            self.problems.append(f"{key} must be an integer, got {self.raw[key]!r}")
            return low
        if not low <= value <= high:
            self.problems.append(f"{key} must be between {low} and {high}, got {value}")
        return value

    def choice(self, key: str, choices: tuple[str, ...]) -> str:
        value = self.raw[key]
        if value not in choices:
            self.problems.append(f"{key} must be one of {', '.join(choices)}, got {value!r}")
        return value

    def zone(self, key: str) -> ZoneInfo:
        try:
            return ZoneInfo(self.raw[key])
        except (ZoneInfoNotFoundError, ValueError):
            self.problems.append(f"{key} is not an IANA time zone: {self.raw[key]!r}")
            return ZoneInfo("UTC")

    def listing(self, key: str) -> tuple[str, ...]:
        return tuple(item.strip() for item in self.raw[key].split(",") if item.strip())


def load_config(env: Mapping[str, str] | None = None, dotenv_path: str | Path | None = ".env") -> Config:
    """Read, parse and validate the configuration. Raises ConfigError listing every problem."""
    env = os.environ if env is None else env
    dotenv = dotenv_values(dotenv_path) if dotenv_path and Path(dotenv_path).is_file() else {}
    r = _Reader(_raw(env, dotenv))
    store = r.text("HUB_STORE") or ("rethinkdb" if r.text("HUB_RETHINKDB_URL") else "sqlite")
    formats = r.listing("HUB_NATIONAL_ID_FORMATS")
    config = Config(
        mode=r.choice("HUB_MODE", ("development", "production")),
        host=r.text("HUB_HOST"),
        port=r.integer("HUB_PORT", 0, 65535),
        store=store,
        sqlite_path=Path(r.text("HUB_SQLITE_PATH")),
        rethinkdb_url=r.text("HUB_RETHINKDB_URL"),
        valkey_url=r.text("HUB_VALKEY_URL"),
        valkey_channel=r.text("HUB_VALKEY_CHANNEL"),
        cache=r.choice("HUB_CACHE", ("on", "off")) == "on",
        jwt_secret=r.text("HUB_JWT_SECRET"),
        jwt_algorithm=r.choice("HUB_JWT_ALGORITHM", JWT_ALGORITHMS),
        jwt_issuer=r.text("HUB_JWT_ISSUER"),
        jwt_audience=r.text("HUB_JWT_AUDIENCE"),
        jwt_leeway_seconds=r.integer("HUB_JWT_LEEWAY_SECONDS", 0, 300),
        access_token_minutes=r.integer("HUB_ACCESS_TOKEN_MINUTES", 1, 24 * 60),
        allowed_origins=r.listing("HUB_ALLOWED_ORIGINS"),
        timezone=r.zone("HUB_TIMEZONE"),
        max_message_bytes=r.integer("HUB_MAX_MESSAGE_BYTES", 1024, 64 * 1024 * 1024),
        max_transport_bytes=r.integer("HUB_MAX_TRANSPORT_BYTES", 1024, 256 * 1024 * 1024),
        ws_compression=r.choice("HUB_WS_COMPRESSION", ("off", "on")) == "on",
        ping_interval_seconds=r.integer("HUB_PING_INTERVAL_SECONDS", 5, 300),
        recovery_window_seconds=r.integer("HUB_RECOVERY_WINDOW_SECONDS", 10, 24 * 3600),
        list_max_limit=r.integer("HUB_LIST_MAX_LIMIT", 1, 10_000),
        national_id_formats=formats,
        display_names=r.choice("HUB_DISPLAY_NAMES", ("none", "initials")),
        bcrypt_rounds=r.integer("HUB_BCRYPT_ROUNDS", 4, 16),
        data_dir=Path(r.text("HUB_DATA_DIR")),
        admin_email=r.text("HUB_ADMIN_EMAIL").lower(),
        log_level=r.choice("HUB_LOG_LEVEL", ("DEBUG", "INFO", "WARNING", "ERROR")),
        log_format=r.text("HUB_LOG_FORMAT") or ("json" if r.text("HUB_MODE") == "production" else "text"),
        event_loop=r.choice("HUB_EVENT_LOOP", ("uvloop", "asyncio")),
        login_max_failures=r.integer("HUB_LOGIN_MAX_FAILURES", 1, 1000),
        login_client_max_failures=r.integer("HUB_LOGIN_CLIENT_MAX_FAILURES", 1, 100_000),
        login_window_seconds=r.integer("HUB_LOGIN_WINDOW_SECONDS", 1, 24 * 3600),
        login_delay_seconds=r.integer("HUB_LOGIN_DELAY_SECONDS", 1, 3600),
        login_max_delay_seconds=r.integer("HUB_LOGIN_MAX_DELAY_SECONDS", 1, 24 * 3600),
        staff_idle_minutes=r.integer("HUB_STAFF_IDLE_MINUTES", 0, 24 * 60),
        socket_rate_per_second=r.integer("HUB_SOCKET_RATE_PER_SECOND", 1, 10_000),
        socket_burst=r.integer("HUB_SOCKET_BURST", 1, 100_000),
        socket_abuse_limit=r.integer("HUB_SOCKET_ABUSE_LIMIT", 0, 1_000_000),
        max_import_bytes=r.integer("HUB_MAX_IMPORT_BYTES", 1024, 1024 * 1024 * 1024),
    )
    r.problems.extend(_cross_checks(config))
    if r.problems:
        raise ConfigError(r.problems)
    return config


def _cross_checks(config: Config) -> list[str]:
    problems = []
    if config.store not in ("sqlite", "rethinkdb"):
        problems.append(f"HUB_STORE must be sqlite or rethinkdb, got {config.store!r}")
    if config.store == "rethinkdb" and not config.rethinkdb_url:
        problems.append("HUB_STORE=rethinkdb needs HUB_RETHINKDB_URL")
    if config.rethinkdb_url and urlsplit(config.rethinkdb_url).scheme != "rethinkdb":
        problems.append("HUB_RETHINKDB_URL must start with rethinkdb://")
    if config.valkey_url and urlsplit(config.valkey_url).scheme not in ("valkey", "valkeys", "redis", "rediss"):
        problems.append("HUB_VALKEY_URL must start with valkey:// or valkeys://")
    if unknown := set(config.national_id_formats) - set(NATIONAL_ID_FORMATS) or not config.national_id_formats:
        problems.append(f"HUB_NATIONAL_ID_FORMATS has unknown formats: {sorted(unknown) or 'none given'}")
    if config.max_transport_bytes < config.max_message_bytes:
        problems.append("HUB_MAX_TRANSPORT_BYTES must be at least HUB_MAX_MESSAGE_BYTES")
    if config.log_format not in ("text", "json"):
        problems.append("HUB_LOG_FORMAT must be text or json")
    if config.production:
        problems.extend(_production_checks(config))
    return problems


def _production_checks(config: Config) -> list[str]:
    problems = []
    secret = config.jwt_secret
    if secret in PLACEHOLDER_SECRETS or "change" in secret.lower() or "placeholder" in secret.lower():
        problems.append("HUB_JWT_SECRET is a placeholder; set a long random secret in production")
    elif len(secret.encode()) < (minimum := MIN_SECRET_BYTES.get(config.jwt_algorithm, MIN_SECRET_LENGTH)):
        problems.append(f"HUB_JWT_SECRET must be at least {minimum} bytes for {config.jwt_algorithm} in production")
    if "*" in config.allowed_origins:
        problems.append("HUB_ALLOWED_ORIGINS must list origins explicitly in production, not *")
    return problems


def unsafe_settings(config: Config) -> list[str]:
    """Warnings for settings that are allowed but unwise; printed by check-config."""
    warnings = []
    if not config.production:
        warnings.append("HUB_MODE=development: first-run admin and generated secret are enabled")
    if "*" in config.allowed_origins:
        warnings.append("HUB_ALLOWED_ORIGINS=*: any web page may connect with a stolen token")
    if not config.valkey_url:
        warnings.append("HUB_VALKEY_URL is empty: run a single instance only")
    if config.bcrypt_rounds < 10:
        warnings.append(f"HUB_BCRYPT_ROUNDS={config.bcrypt_rounds} is weak; use 12 or more")
    if config.access_token_minutes > 12 * 60:
        warnings.append("HUB_ACCESS_TOKEN_MINUTES is longer than a shift")
    return warnings + security_warnings(config)


def with_development_secret(config: Config) -> Config:
    """In development without a secret, generate one once and keep it in the data dir."""
    if config.jwt_secret or config.production:
        return config
    path = config.data_dir / "jwt-secret"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(48))
        path.chmod(0o600)
    return config.replace(jwt_secret=path.read_text().strip())
