"""Logging: readable text in development, one JSON object per line in production."""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

import orjson
from aiohttp import web
from aiohttp.abc import AbstractAccessLogger

from hub.config import Config


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": dt.datetime.fromtimestamp(record.created, dt.UTC).isoformat(),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return orjson.dumps(entry).decode()


class SafeAccessLogger(AbstractAccessLogger):
    """Method, path, status and time; never the query string, which can hold search terms
    (patient names), nor headers, which hold tokens."""

    def log(self, request: web.BaseRequest, response: web.StreamResponse, time: float) -> None:
        self.logger.info("%s %s %s %.1fms", request.method, request.rel_url.raw_path, response.status, time * 1000)


def access_log_options() -> dict[str, Any]:
    """How ``serve`` (and the log-scan test) run the HTTP server's access log."""
    return {"access_log": logging.getLogger("hub.access"), "access_log_class": SafeAccessLogger}


def setup_logging(config: Config) -> None:
    handler = logging.StreamHandler()
    if config.log_format == "json":
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(config.log_level)
    logging.getLogger("aiohttp.access").setLevel(logging.WARNING)
