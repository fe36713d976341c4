"""``POST /patients/import``: the bulk path for batches too large for one socket message (P6).

The body is a JSON array of patients (``application/json``) or one patient per line
(``application/x-ndjson``), up to ``HUB_MAX_IMPORT_BYTES``. NDJSON is read as a stream, a
line at a time. Each row is validated and created like ``POST /patients``; a bad row is
reported and the others still go in. The answer: ``{"created": n, "errors": [{"row",
"error"}]}`` where ``row`` is the 1-based line (NDJSON) or position (array).

A body declared larger than the limit is refused before anything is read; a chunked body
that grows past it stops there with 413, and the rows before it stay created (the error
says how many).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import orjson
from aiohttp import StreamReader, web

from hub.auth.permissions import require
from hub.errors import Malformed, TooLarge
from hub.http.requests import json_response, principal
from hub.keys import config_key, services_key
from hub.services.audited_patients import ImportRow

NDJSON_TYPES = frozenset({"application/x-ndjson", "application/ndjson", "application/jsonl", "application/x-jsonlines"})
CHUNK_BYTES = 64 * 1024
MAX_LINE_BYTES = 1024 * 1024


def _too_large(limit: int) -> TooLarge:
    return TooLarge(f"The import is larger than {limit} bytes; split it into several requests.", details={"limit": limit})


def _parse(raw: bytes) -> Any:
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError:
        return Malformed("The row is not valid JSON.")


async def read_capped(stream: StreamReader, limit: int) -> bytes:
    body = bytearray()
    async for chunk in stream.iter_chunked(CHUNK_BYTES):
        body += chunk
        if len(body) > limit:
            raise _too_large(limit)
    return bytes(body)


async def array_rows(body: bytes) -> AsyncIterator[ImportRow]:
    rows = _parse(body)
    if not isinstance(rows, list):
        raise Malformed("Send a JSON array of patients, or NDJSON (one patient per line).")
    for number, row in enumerate(rows, start=1):
        yield number, row


async def ndjson_rows(stream: StreamReader, limit: int) -> AsyncIterator[ImportRow]:
    total, number, pending = 0, 0, b""
    async for chunk in stream.iter_chunked(CHUNK_BYTES):
        total += len(chunk)
        if total > limit:
            raise _too_large(limit)
        *lines, pending = (pending + chunk).split(b"\n")
        for line in lines:
            number += 1
            if line.strip():
                yield number, _parse(line)
        if len(pending) > MAX_LINE_BYTES:
            raise TooLarge(f"Line {number + 1} is longer than {MAX_LINE_BYTES} bytes.", details={"row": number + 1})
    if pending.strip():
        yield number + 1, _parse(pending)


async def import_patients(request: web.Request) -> web.Response:
    who = await principal(request)
    require(who, "patients", "create")
    limit = request.app[config_key].max_import_bytes
    if request.content_length is not None and request.content_length > limit:
        raise _too_large(limit)
    if request.content_type in NDJSON_TYPES:
        rows = ndjson_rows(request.content, limit)
    elif request.content_type == "application/json":
        rows = array_rows(await read_capped(request.content, limit))
    else:
        raise web.HTTPUnsupportedMediaType(reason="Send application/json (an array) or application/x-ndjson.")
    return json_response(await request.app[services_key].patients.import_rows(who, rows))


def import_routes() -> list[web.RouteDef]:
    return [web.post("/patients/import", import_patients)]
