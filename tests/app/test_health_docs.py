"""Health, readiness, the OpenAPI document and its docs page; the first-run admin."""

from hub.keys import first_admin_password_key
from tests.app.support import login, status_of
from tests.conftest import make_config


async def test_healthz_is_ok_without_auth(hub):
    resp = await hub.http.get(f"{hub.url}/healthz")
    assert resp.status == 200
    assert await resp.json() == {"status": "ok"}


async def test_readyz_with_store_up_is_ready(hub):
    resp = await hub.http.get(f"{hub.url}/readyz")
    assert resp.status == 200
    assert await resp.json() == {"status": "ready", "store": {"backend": "sqlite", "up": True}}


async def test_readyz_with_store_closed_is_503(hub):
    await hub.store.close()
    resp = await hub.http.get(f"{hub.url}/readyz")
    assert resp.status == 503
    assert (await resp.json())["store"]["up"] is False
    assert await status_of(hub.http.get(f"{hub.url}/healthz")) == 200


async def test_openapi_document_lists_every_route(hub):
    resp = await hub.http.get(f"{hub.url}/openapi.json")
    assert resp.status == 200
    document = await resp.json()
    assert document["openapi"].startswith("3.")
    paths = document["paths"]
    for resource in ("patients", "doctors", "appointments", "users"):
        assert set(paths[f"/{resource}"]) >= {"get", "post"}
        assert set(paths[f"/{resource}/{{id}}"]) >= {"get", "put", "patch", "delete"}
    for path in ("/auth/login", "/auth/register", "/auth/me", "/patients/search"):
        assert path in paths
    assert {"Patient", "Doctor", "Appointment", "User", "Error"} <= set(document["components"]["schemas"])


async def test_openapi_list_parameters_include_the_filters(hub):
    document = await (await hub.http.get(f"{hub.url}/openapi.json")).json()
    names = {p["name"] for p in document["paths"]["/appointments"]["get"]["parameters"]}
    assert {"skip", "limit", "doctor_id", "patient_id", "date", "from", "to"} <= names
    assert "specialty" in {p["name"] for p in document["paths"]["/doctors"]["get"]["parameters"]}


async def test_openapi_user_schema_does_not_expose_the_password(hub):
    document = await (await hub.http.get(f"{hub.url}/openapi.json")).json()
    user = document["components"]["schemas"]["User"]["properties"]
    assert "password_hash" not in user
    assert user["password"].get("writeOnly") is True


async def test_docs_page_and_its_assets_are_served(hub):
    page = await hub.http.get(f"{hub.url}/docs")
    assert page.status == 200
    assert page.content_type == "text/html"
    html = await page.text()
    assert "swagger-ui" in html and "/openapi.json" not in html or "init.js" in html
    for asset in ("/docs/init.js", "/docs/static/swagger-ui-bundle.js", "/docs/static/swagger-ui.css"):
        assert await status_of(hub.http.get(f"{hub.url}{asset}")) == 200, asset
    assert "/openapi.json" in await (await hub.http.get(f"{hub.url}/docs/init.js")).text()


async def test_first_run_in_development_creates_an_admin_who_can_log_in(hub):
    password = hub.app[first_admin_password_key]
    resp = await login(hub, "admin@clinic.local", password)
    assert resp.status == 200
    token = (await resp.json())["access_token"]
    me = await hub.http.get(f"{hub.url}/auth/me", headers={"Authorization": f"Bearer {token}"})
    assert (await me.json())["role"] == "admin"


async def test_first_run_with_existing_users_creates_no_second_admin(start_hub, tmp_path):
    config = make_config(tmp_path)
    first = await start_hub(config)
    assert first_admin_password_key in first.app
    await first.app.shutdown()
    await first.app.cleanup()
    second = await start_hub(config)
    assert first_admin_password_key not in second.app
    assert await second.store.count("users", {}) == 1


async def test_first_run_in_production_creates_no_admin(start_hub, tmp_path):
    hub = await start_hub(make_config(tmp_path, HUB_MODE="production", HUB_ALLOWED_ORIGINS="https://clinic.example"))
    assert first_admin_password_key not in hub.app
    assert await hub.store.count("users", {}) == 0
