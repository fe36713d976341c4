"""orjson behind the ``json`` module interface python-socketio expects."""

from __future__ import annotations

from typing import Any

import orjson


def dumps(obj: Any, **_: Any) -> str:
    return orjson.dumps(obj).decode()


def loads(text: str | bytes, **_: Any) -> Any:
    return orjson.loads(text)
