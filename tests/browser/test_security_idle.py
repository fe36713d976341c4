"""Automatic logoff of idle staff screens (HUB_STAFF_IDLE_MINUTES, sent with the login)."""

from __future__ import annotations

import pytest

from tests.browser.conftest import login

pytestmark = pytest.mark.browser


async def test_idle_reception_logs_off_closes_its_sockets_and_keeps_what_was_typed(screens, clinic):
    from playwright.async_api import expect

    page = await screens.staff("/reception", "reception", clinic)
    # The server's setting (default 15 minutes) arrived with the login answer.
    assert await page.evaluate("sessionStorage.getItem('clinicHub.idleMinutes')") == "15"
    form = page.locator("#patient-form")
    await form.get_by_label("Apellidos").fill("A medio escribir")
    await page.evaluate("sessionStorage.setItem('clinicHub.idleMinutes', '0.05')")  # 3 s, for the test

    await expect(page.locator("#login-form")).to_be_visible(timeout=15_000)
    await expect(page.locator("#login-message")).to_contain_text("inactividad")
    await expect(page.locator("#app")).to_be_hidden()
    assert await page.evaluate("sessionStorage.getItem('clinicHub.token')") is None
    await expect(page.locator("body")).not_to_have_attribute("data-connection", "online")

    await login(page, clinic.users["reception"]["email"])
    await expect(form.get_by_label("Apellidos")).to_have_value("A medio escribir")


async def test_activity_keeps_an_idle_limited_session_open(screens, clinic):
    from playwright.async_api import expect

    page = await screens.staff("/reception", "reception", clinic)
    await page.evaluate("sessionStorage.setItem('clinicHub.idleMinutes', '0.1')")  # 6 s
    field = page.locator("#patient-form").get_by_label("Apellidos")
    for _ in range(5):  # 10 s of typing, each pause shorter than the limit
        await field.press_sequentially("ab")
        await page.wait_for_timeout(2000)
    await expect(page.locator("#app")).to_be_visible()
    await expect(page.locator("body")).to_have_attribute("data-connection", "online")
