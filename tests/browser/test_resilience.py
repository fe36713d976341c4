"""Screens that run for hours: a hub killed and restarted, expired tokens and sessions."""

from __future__ import annotations

import asyncio
import re

import pytest
from playwright.async_api import expect

from tests.browser.conftest import login, screenshot, until
from tests.browser.support import SYSTEM, at_today

pytestmark = pytest.mark.browser
RESUME_TIMEOUT_MS = 20_000  # socket.io's reconnect backoff is capped at 5 s (plus jitter)


async def book_today(clinic, hhmm: str, reason: str, check_in: bool = False) -> dict:
    booked = await clinic.services.appointments.create(SYSTEM, {
        "patient_id": clinic.patient["id"], "doctor_id": clinic.doctor["id"], "start": at_today(hhmm), "reason": reason})
    if check_in:
        booked = await clinic.services.scheduling.event(SYSTEM, "check_in", {"id": booked["id"]})
    return booked


def watch_frames(page) -> list[str]:
    frames: list[str] = []
    page.on("websocket", lambda ws: ws.on("framereceived", lambda payload: frames.append(str(payload))))
    return frames


async def test_killing_and_restarting_the_hub_leaves_every_screen_resumed_and_correct(screens, clinic):
    first = await book_today(clinic, "09:00", "Antes del corte", check_in=True)
    desk = await screens.staff("/reception", "reception", clinic)
    doctor = await screens.staff("/doctor", "doctor", clinic)
    display = await screens.display(clinic.token("display"))
    pages = (desk, doctor, display)
    frames = {page: watch_frames(page) for page in pages}
    await expect(display.locator("#waiting-tickets")).to_have_text(first["ticket"])

    clinic.hub.kill()
    for page in pages:
        await expect(page.locator("#banner")).to_contain_text("Sin conexión desde las")
        await expect(page.locator("#connection")).to_have_text("Sin conexión")
    await screenshot(display, "display-offline")
    # The clinic goes on meanwhile: another writer on the same SQLite file.
    second = await book_today(clinic, "11:00", "Durante el corte", check_in=True)
    await clinic.services.appointments.update(SYSTEM, first["id"], {"reason": "Antes del corte, cambiado"})
    await asyncio.sleep(1)
    await clinic.hub.start()  # the same port and the same file

    for page in pages:
        await expect(page.locator("#banner")).to_be_hidden(timeout=RESUME_TIMEOUT_MS)
        await expect(page.locator("body")).to_have_attribute("data-connection", "online")
    await expect(desk.locator("#agenda-body tr", has_text="Durante el corte")).to_contain_text(second["ticket"])
    await expect(desk.locator("#agenda-body tr", has_text="Antes del corte, cambiado")).to_contain_text(first["ticket"])
    await expect(desk.locator("#agenda-body tr")).to_have_count(2)
    await expect(doctor.locator("#waiting-list li")).to_have_count(2)
    await expect(doctor.locator("#doctor-agenda tr", has_text="Durante el corte")).to_contain_text("En espera")
    await expect(display.locator("#waiting-tickets li")).to_have_text([first["ticket"], second["ticket"]])
    for page in pages:  # each screen resumed from its cursor rather than reloading
        assert any('"resumed":true' in frame for frame in frames[page]), page.url

    await doctor.get_by_role("button", name="Llamar al siguiente").click()  # and it is live again
    await expect(display.locator(".latest-ticket")).to_have_text(first["ticket"])
    await expect(desk.locator("#agenda-body tr", has_text="Antes del corte")).to_contain_text("Llamado")


async def test_expired_display_token_shows_the_state_on_a_lit_screen_and_a_new_token_takes_over(screens, clinic):
    waiting = await book_today(clinic, "10:00", "Revisión", check_in=True)
    display = await screens.display(clinic.token("display", seconds=-60))
    banner = display.locator("#banner")
    await expect(banner).to_have_text("El token de esta pantalla ha caducado. Reintentando; pida uno nuevo a administración.")
    await expect(display.get_by_role("heading", name="Sala de espera")).to_be_visible()
    await expect(display.locator("#latest-call")).to_have_text("Espere a que aparezca su ticket.")
    await expect(display.locator("#clock")).to_have_text(re.compile(r"^\d{2}:\d{2}$"))
    await screenshot(display, "display-token-expired")

    await display.evaluate("token => { location.hash = 'token=' + token }", clinic.token("display"))  # a new token
    await expect(banner).to_be_hidden()
    await expect(display.locator("body")).to_have_attribute("data-connection", "online")
    await expect(display.locator("#waiting-tickets")).to_have_text(waiting["ticket"])


async def test_display_token_expiring_while_live_keeps_the_screen_and_resumes_with_a_new_token(screens, clinic):
    waiting = await book_today(clinic, "10:00", "Revisión", check_in=True)
    display = await screens.display(clinic.token("display", seconds=3))
    await expect(display.locator("#waiting-tickets")).to_have_text(waiting["ticket"])
    banner = display.locator("#banner")
    await expect(banner).to_contain_text("ha caducado", timeout=12_000)  # the hub ends the session (5 s sweep)
    await expect(display.locator("#waiting-tickets")).to_have_text(waiting["ticket"])  # still showing the queue
    second = await book_today(clinic, "10:30", "Revisión", check_in=True)

    admin_tab = await display.context.new_page()  # another tab of the kiosk's browser stores a new token
    await admin_tab.goto("/")
    await admin_tab.evaluate("token => localStorage.setItem('clinicHub.displayToken', token)", clinic.token("display"))
    await expect(banner).to_be_hidden()
    await expect(display.locator("#waiting-tickets li")).to_have_text([waiting["ticket"], second["ticket"]])


async def test_expired_staff_session_returns_to_login_and_keeps_what_was_typed(screens, clinic):
    page = await screens.open("/reception")
    await page.evaluate("token => sessionStorage.setItem('clinicHub.token', token)", clinic.token("reception", seconds=4))
    await page.reload()
    await expect(page.locator("body")).to_have_attribute("data-connection", "online")
    form = page.locator("#patient-form")
    await form.get_by_label("Nombre", exact=True).fill("Borrador")
    await form.get_by_label("Apellidos").fill("Sin Guardar")
    await page.locator("#booking-form").get_by_label("Motivo").fill("Motivo a medio escribir")

    await expect(page.locator("#login-form")).to_be_visible(timeout=12_000)
    await expect(page.locator("#login-message")).to_contain_text("Su sesión ha caducado")
    await expect(page.locator("#app")).to_be_hidden()
    await login(page, clinic.users["reception"]["email"])
    await expect(form.get_by_label("Nombre", exact=True)).to_have_value("Borrador")
    await expect(form.get_by_label("Apellidos")).to_have_value("Sin Guardar")

    await page.reload()  # drafts also survive a reload of the tab
    await expect(page.locator("body")).to_have_attribute("data-connection", "online")
    await expect(form.get_by_label("Apellidos")).to_have_value("Sin Guardar")
    await expect(page.locator("#booking-form").get_by_label("Motivo")).to_have_value("Motivo a medio escribir")


async def test_display_given_a_new_token_before_expiry_refreshes_it_and_never_goes_offline(screens, clinic):
    display = await screens.display(clinic.token("display", seconds=3))
    frames = watch_frames(display)
    await expect(display.locator("body")).to_have_attribute("data-connection", "online")
    await display.evaluate(
        "() => { window.seen = new Set(); new MutationObserver(() => seen.add(document.body.dataset.connection))"
        ".observe(document.body, {attributes: true}); }")
    admin_tab = await display.context.new_page()
    await admin_tab.goto("/")
    await admin_tab.evaluate("token => localStorage.setItem('clinicHub.displayToken', token)", clinic.token("display"))
    await until(lambda: any('"expires_at"' in frame for frame in frames))  # `refresh` was acknowledged
    await asyncio.sleep(7)  # past the first token's expiry and the hub's 5 s expiry sweep
    waiting = await book_today(clinic, "10:00", "Revisión", check_in=True)
    await expect(display.locator("#waiting-tickets")).to_have_text(waiting["ticket"])
    assert await display.evaluate("[...seen]") in ([], ["online"])
    await expect(display.locator("#banner")).to_be_hidden()
