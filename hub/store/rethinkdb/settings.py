"""``HUB_RETHINKDB_URL`` parsed once:
``rethinkdb://[user:password@]host[:28015]/database[?tls=1&ca=/path&timeout=10]``.

``timeout`` (seconds, default 10) bounds connecting and every request, so a stuck server
turns into ``Unavailable`` instead of a hang. With ``tls=1`` and no ``ca``, the system's
default CA file is used.
"""

from __future__ import annotations

import dataclasses
import re
import ssl
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

DEFAULT_PORT = 28015
DEFAULT_TIMEOUT = 10.0
DB_NAME = re.compile(r"^[A-Za-z0-9_-]+$")
TRUE = ("1", "true", "yes", "on")


@dataclasses.dataclass(frozen=True)
class Settings:
    host: str
    port: int
    db: str
    user: str = "admin"
    password: str = dataclasses.field(default="", repr=False)
    tls: bool = False
    ca: str | None = None
    timeout: float = DEFAULT_TIMEOUT

    @property
    def target(self) -> str:
        """Where we connect, for logs (never the password)."""
        return f"{self.host}:{self.port}/{self.db}"

    def connect_kwargs(self) -> dict[str, Any]:
        kwargs: dict[str, Any] = {
            "host": self.host,
            "port": self.port,
            "db": self.db,
            "user": self.user,
            "password": self.password,
            "timeout": self.timeout,
        }
        if self.tls:
            kwargs["ssl"] = {"ca_certs": self.ca or ssl.get_default_verify_paths().cafile}
        return kwargs


def parse_url(url: str) -> Settings:
    parts = urlsplit(url)
    if parts.scheme != "rethinkdb":
        raise ValueError("HUB_RETHINKDB_URL must start with rethinkdb://")
    db = parts.path.strip("/")
    if not DB_NAME.match(db):
        raise ValueError("HUB_RETHINKDB_URL needs a database name of letters, digits, _ or - after the host")
    params = {key: values[-1] for key, values in parse_qs(parts.query).items()}
    timeout = float(params.get("timeout", DEFAULT_TIMEOUT))
    if not 0 < timeout <= 600:
        raise ValueError("timeout in HUB_RETHINKDB_URL must be between 0 and 600 seconds")
    return Settings(
        host=parts.hostname or "localhost",
        port=parts.port or DEFAULT_PORT,
        db=db,
        user=unquote(parts.username) if parts.username else "admin",
        password=unquote(parts.password) if parts.password else "",
        tls=params.get("tls", "0").lower() in TRUE,
        ca=params.get("ca"),
        timeout=timeout,
    )
