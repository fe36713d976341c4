"""The OpenAPI document, generated from the marshmallow schemas by apispec, and its docs page."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import swagger_ui_bundle
from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from aiohttp import web

from hub.domain.appointments import AppointmentSchema
from hub.domain.audit import AuditListSchema
from hub.domain.doctors import DoctorSchema
from hub.domain.patients import PatientSchema
from hub.domain.queries import AppointmentListSchema, DoctorListSchema, PatientListSchema, PatientSearchSchema
from hub.domain.users import LoginSchema, UserSchema

SCHEMAS = {"patients": PatientSchema, "doctors": DoctorSchema, "appointments": AppointmentSchema, "users": UserSchema}
LIST_FILTERS = {
    "patients": PatientListSchema,
    "doctors": DoctorListSchema,
    "appointments": AppointmentListSchema,
    "users": PatientListSchema,
}
ERROR = {"description": "Error", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
DOCS_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Clinic Hub API</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/docs/static/swagger-ui.css"></head>
<body><div id="swagger-ui"></div>
<script src="/docs/static/swagger-ui-bundle.js"></script>
<script src="/docs/init.js"></script></body></html>"""
DOCS_INIT = "window.ui = SwaggerUIBundle({url: '/openapi.json', dom_id: '#swagger-ui'});"


def _json(ref: str) -> dict[str, Any]:
    return {"content": {"application/json": {"schema": ref}}}


def _crud_paths(spec: APISpec, resource: str) -> None:
    name = resource[:-1].capitalize()
    ref, errors = name, {str(s): ERROR for s in (400, 401, 403, 404, 409, 422)}
    spec.path(
        path=f"/{resource}",
        operations={
            "get": {
                "summary": f"List {resource}",
                "parameters": [{"in": "query", "schema": LIST_FILTERS[resource]}],
                "responses": {"200": {"description": "OK", **_json({"type": "array", "items": ref})}, **errors},
            },
            "post": {
                "summary": f"Create a {resource[:-1]}",
                "requestBody": _json(ref),
                "responses": {"201": {"description": "Created", **_json(ref)}, **errors},
            },
        },
    )
    item = {"responses": {"200": {"description": "OK", **_json(ref)}, **errors}}
    spec.path(
        path=f"/{resource}/{{id}}",
        parameters=[{"in": "path", "name": "id", "required": True, "schema": {"type": "string"}}],
        operations={
            "get": {"summary": f"Read a {resource[:-1]}", **item},
            "put": {"summary": "Replace (If-Match: version optional)", "requestBody": _json(ref), **item},
            "patch": {"summary": "Update some fields (If-Match: version optional)", "requestBody": _json(ref), **item},
            "delete": {"summary": "Delete (If-Match: version optional)", **item},
        },
    )


def _import_and_audit_paths(spec: APISpec) -> None:
    import_result = {"type": "object", "properties": {"created": {"type": "integer"}, "errors": {"type": "array", "items": {
        "type": "object", "properties": {"row": {"type": "integer"}, "error": {"type": "object"}}}}}}
    spec.path(path="/patients/import", operations={"post": {
        "summary": "Bulk import (reception/admin): a JSON array or NDJSON of patients, up to HUB_MAX_IMPORT_BYTES",
        "requestBody": {"content": {
            "application/json": {"schema": {"type": "array", "items": "Patient"}},
            "application/x-ndjson": {"schema": {"type": "string", "description": "one Patient object per line"}}}},
        "responses": {"200": {"description": "Rows created; bad rows listed by 1-based row number",
                              **_json(import_result)}, **{str(s): ERROR for s in (400, 401, 403, 413, 415)}}}})
    spec.path(path="/audit", operations={"get": {
        "summary": "The audit trail of patient reads and writes (admins only)",
        "parameters": [{"in": "query", "schema": AuditListSchema}],
        "responses": {"200": {"description": "Audit records, oldest first"}, "401": ERROR, "403": ERROR, "422": ERROR}}})


def _scheduling_and_health_paths(spec: APISpec) -> None:
    id_param = [{"in": "path", "name": "id", "required": True, "schema": {"type": "string"}}]
    errors = {str(s): ERROR for s in (401, 403, 404, 409, 422)}
    spec.path(path="/doctors/{id}/availability", parameters=id_param, operations={"get": {
        "summary": "Free slots of a clinic-local day: [{start, end}] (aware ISO 8601)",
        "parameters": [{"in": "query", "name": "date", "required": True, "schema": {"type": "string", "format": "date"}}],
        "responses": {"200": {"description": "OK"}, **errors}}})
    spec.path(path="/appointments/{id}/{event}", parameters=[*id_param, {
        "in": "path", "name": "event", "required": True,
        "schema": {"type": "string", "enum": ["check_in", "recall", "start", "complete", "cancel", "no_show"]}}],
        operations={"post": {
            "summary": "A lifecycle step; body {reason} for cancel. Refused with invalid_transition and the current state",
            "responses": {"200": {"description": "The appointment after the step", **_json("Appointment")}, **errors}}})
    spec.path(path="/appointments/call_next", operations={"post": {
        "summary": "Call the longest-waiting checked-in patient of a doctor: body {doctor_id}",
        "responses": {"200": {"description": "The called appointment", **_json("Appointment")}, **errors}}})
    spec.path(path="/healthz", operations={"get": {"summary": "Alive", "security": [],
                                                   "responses": {"200": {"description": "OK"}}}})
    spec.path(path="/readyz", operations={"get": {"summary": "Store reachable (503 while it is not)", "security": [],
                                                  "responses": {"200": {"description": "Ready"}, "503": {"description": "Not ready"}}}})


def build_spec() -> dict[str, Any]:
    spec = APISpec(title="Clinic Hub", version="1.0.0", openapi_version="3.0.3", plugins=[MarshmallowPlugin()])
    spec.components.security_scheme("bearer", {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"})
    spec.components.schema(
        "Error",
        {"type": "object", "properties": {"error": {"type": "object", "properties": {
            "code": {"type": "string"}, "message": {"type": "string"}, "fields": {"type": "object"}}}}},
    )
    for resource, schema in SCHEMAS.items():
        spec.components.schema(resource[:-1].capitalize(), schema=schema)
        _crud_paths(spec, resource)
    spec.path(path="/auth/login", operations={"post": {
        "summary": "Log in (JSON or OAuth2 password form with username/password)",
        "requestBody": _json(LoginSchema),
        "responses": {"200": {"description": "A bearer token"}, "401": ERROR}}})
    spec.path(path="/auth/register", operations={"post": {
        "summary": "Create an account (admin only)", "requestBody": _json("User"),
        "responses": {"201": {"description": "Created"}, "403": ERROR, "422": ERROR}}})
    spec.path(path="/auth/me", operations={"get": {"summary": "The current user", "responses": {"200": {"description": "OK"}}}})
    spec.path(path="/patients/search", operations={"get": {
        "summary": "Accent- and case-insensitive patient search",
        "parameters": [{"in": "query", "schema": PatientSearchSchema}],
        "responses": {"200": {"description": "OK"}}}})
    _import_and_audit_paths(spec)
    _scheduling_and_health_paths(spec)
    document = spec.to_dict()
    document["security"] = [{"bearer": []}]
    return document


def openapi_routes() -> list[web.RouteDef]:
    document = build_spec()

    async def openapi(request: web.Request) -> web.Response:
        return web.json_response(document)

    async def docs(request: web.Request) -> web.Response:
        return web.Response(text=DOCS_PAGE, content_type="text/html")

    async def docs_init(request: web.Request) -> web.Response:
        return web.Response(text=DOCS_INIT, content_type="application/javascript")

    return [
        web.get("/openapi.json", openapi),
        web.get("/docs", docs),
        web.get("/docs/init.js", docs_init),
        web.static("/docs/static", Path(swagger_ui_bundle.swagger_ui_path)),
    ]
