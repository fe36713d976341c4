"""Reception in a real browser: login, patient search and creation."""

from __future__ import annotations

import asyncio
import datetime as dt
import re

import pytest
from playwright.async_api import expect

from tests.browser.conftest import login, screenshot
from tests.browser.support import SYSTEM, at_today, clinic_today
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser


async def test_login_with_wrong_password_is_refused_then_right_password_opens_reception(screens, clinic):
    page = await screens.open("/reception")
    await expect(page.locator("#login-form")).to_be_visible()
    await login_attempt(page, clinic.users["reception"]["email"], "wrong-password")
    await expect(page.locator("#login-error")).to_have_text("Correo o contraseña incorrectos.")
    await expect(page.locator("#app")).to_be_hidden()
    await login(page, clinic.users["reception"]["email"])
    await expect(page.locator("#who")).to_have_text("Reception Prueba")
    await expect(page.locator("#connection")).to_have_text("Conectado")


async def login_attempt(page, email, password):
    form = page.locator("#login-form")
    await form.get_by_label("Correo electrónico").fill(email)
    await form.get_by_label("Contraseña").fill(password)
    await form.get_by_role("button", name="Entrar").click()


async def test_search_ignores_accents_and_case_and_a_created_patient_is_found(screens, clinic):
    page = await screens.staff("/reception", "reception", clinic)
    await page.get_by_label("Buscar paciente").fill("nunez pena")
    await page.get_by_label("Buscar paciente").press("Enter")
    results = page.locator("#search-results")
    await expect(results).to_contain_text("José Ñúñez Peña")
    await expect(page.locator("#search-status")).to_have_text("1 paciente encontrado")

    form = page.locator("#patient-form")
    await form.get_by_label("DNI/NIE").fill("00000023-t")
    await form.get_by_label("Fecha de nacimiento").fill("1985-06-15")
    await form.get_by_label("Nombre", exact=True).fill("Begoña")
    await form.get_by_label("Apellidos").fill("Álvarez Ibáñez")
    await form.get_by_label("Teléfono").fill("not a phone")
    await form.get_by_role("button", name="Guardar paciente").click()
    await expect(page.locator("#p-phone-error")).to_have_text("No es un teléfono válido.")
    await expect(form.get_by_label("Teléfono")).to_have_attribute("aria-invalid", "true")
    await form.get_by_label("Teléfono").fill("+34 611 222 333")
    await form.get_by_role("button", name="Guardar paciente").click()
    await expect(page.locator("#patient-form-status")).to_have_text("Paciente guardado: Begoña Álvarez Ibáñez.")
    await expect(page.locator("#booking-patient")).to_have_text("Begoña Álvarez Ibáñez")

    stored = await clinic.services.patients.search(SYSTEM, {"q": "begona alvarez"})
    assert [(p["national_id"], p["phone"]) for p in stored] == [("00000023T", "+34 611 222 333")]
    await page.get_by_label("Buscar paciente").fill("ALVAREZ")
    await expect(results).to_contain_text("Begoña Álvarez Ibáñez")
    await expect(results).to_contain_text("00000023T")


async def test_overbooking_needs_the_checkbox_and_reschedule_and_cancel_reach_the_other_desk(screens, clinic):
    await clinic.services.appointments.create(SYSTEM, {
        "patient_id": clinic.patient["id"], "doctor_id": clinic.doctor["id"], "start": at_today("10:00"), "reason": "Ya citado"})
    desk_a = await screens.staff("/reception", "reception", clinic)
    desk_b = await screens.staff("/reception", "reception", clinic)
    await desk_a.get_by_label("Buscar paciente").fill("12345678z")
    await desk_a.get_by_role("button", name="Elegir para cita: José Ñúñez Peña").click()
    booking = desk_a.locator("#booking-form")
    await booking.get_by_label("Médico").select_option(label="Elena Ruiz · Cardiología")
    await expect(booking.locator("#slot-status")).to_have_text("23 huecos libres.")
    await expect(booking.locator("#slot-list").get_by_text("10:00", exact=True)).to_have_count(0)  # taken
    await expect(booking.get_by_label("Hora de la sobrecita")).to_be_hidden()

    await booking.get_by_role("checkbox", name="Sobrecita").check()
    await booking.get_by_label("Hora de la sobrecita").fill("10:00")
    await booking.get_by_label("Motivo").fill("Urgencia")
    await booking.get_by_role("button", name="Reservar").click()
    await expect(desk_a.locator("#booking-status")).to_have_text("Cita reservada: José Ñúñez Peña, 10:00, Elena Ruiz.")
    row_b = desk_b.locator("#agenda-body tr", has_text="Urgencia")
    await expect(row_b).to_contain_text("(sobrecita)")

    await desk_a.get_by_role("button", name="Reprogramar: José Ñúñez Peña, 10:00").last.click()
    await expect(desk_a.locator("#booking-mode")).to_contain_text("Reprogramando la cita de José Ñúñez Peña")
    await expect(booking.get_by_label("Motivo")).to_have_value("Urgencia")
    await booking.locator("#slot-list").get_by_text("12:00", exact=True).click()
    await booking.get_by_role("button", name="Guardar el cambio de cita").click()
    await expect(desk_a.locator("#booking-status")).to_have_text("Cita cambiada: José Ñúñez Peña, 12:00, Elena Ruiz.")
    await expect(row_b).to_contain_text("12:00–12:30")
    await expect(row_b).not_to_contain_text("(sobrecita)")

    row_a = desk_a.locator("#agenda-body tr", has_text="Urgencia")
    await row_a.get_by_role("button", name="Cancelar: José Ñúñez Peña, 12:00").click()
    await row_a.get_by_role("button", name="Sí, cancelar la cita: José Ñúñez Peña, 12:00").click()
    await expect(row_b).to_contain_text("Cancelada")
    await expect(desk_a.locator("#slot-list").get_by_text("12:00", exact=True)).to_have_count(1)  # freed
    [stored] = [a for a in await clinic.services.appointments.list(SYSTEM, {"doctor_id": clinic.doctor["id"]})
                if a["reason"] == "Urgencia"]
    assert (stored["status"], stored["forced"]) == ("cancelled", False)


async def test_english_is_selectable_and_kept_and_the_login_works_from_the_keyboard(screens, clinic):
    page = await screens.open("/reception")
    await page.get_by_label("Idioma").select_option("en")
    await expect(page.get_by_role("heading", name="Log in")).to_be_visible()
    await page.reload()
    assert await page.locator("html").get_attribute("lang") == "en"
    await expect(page.get_by_role("heading", name="Reception", exact=True)).to_be_visible()
    await expect(page.locator("#login-email")).to_be_focused()
    await page.keyboard.type(clinic.users["reception"]["email"])
    await page.keyboard.press("Tab")
    await page.keyboard.type(PASSWORD)
    await page.keyboard.press("Enter")
    await expect(page.locator("#connection")).to_have_text("Connected")
    await expect(page.get_by_role("heading", name="Book an appointment")).to_be_visible()
    await page.keyboard.press("Tab")
    outline = await page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline == "solid"  # focus is visible
    await screenshot(page, "reception-english")


async def test_check_in_is_offered_only_on_the_appointments_day(screens, clinic):
    tomorrow = (dt.date.fromisoformat(clinic_today()) + dt.timedelta(days=1)).isoformat()
    for start, reason in ((at_today("10:00"), "Hoy"), (f"{tomorrow}T10:00:00", "Mañana")):
        await clinic.services.appointments.create(SYSTEM, {
            "patient_id": clinic.patient["id"], "doctor_id": clinic.doctor["id"], "start": start, "reason": reason})
    desk = await screens.staff("/reception", "reception", clinic)
    today_row = desk.locator("#agenda-body tr", has_text="Hoy")
    await expect(today_row.get_by_role("button", name="Check-in")).to_have_count(1)
    await desk.locator("#agenda-date").fill(tomorrow)
    later_row = desk.locator("#agenda-body tr", has_text="Mañana")
    await expect(later_row.get_by_role("button", name="Reprogramar: José Ñúñez Peña, 10:00")).to_have_count(1)
    await expect(later_row.get_by_role("button", name="Check-in")).to_have_count(0)


async def book_named_patients(clinic, count):
    letters = "TRWAGMYFPDXBNJZSQVHLCKE"
    for n in range(count):
        number = 20000000 + n
        patient = await clinic.services.patients.create(SYSTEM, {
            "national_id": f"{number}{letters[number % 23]}", "first_name": "Paciente", "last_name": f"Número{n:03d}",
            "birth_date": "1980-01-01"})
        await clinic.services.appointments.create(SYSTEM, {
            "patient_id": patient["id"], "doctor_id": clinic.doctor["id"], "start": at_today("09:00"),
            "reason": f"Lote {n}", "force": True})


async def expect_every_row_named(desk, count):
    rows = desk.locator("#agenda-body tr", has_text="Lote")
    await expect(rows).to_have_count(count)
    for n in (0, count // 2, count - 1):
        await expect(desk.locator("#agenda-body tr", has_text=f"Lote {n}")).to_contain_text(f"Número{n:03d}")
    await expect(desk.locator("#agenda-body")).not_to_contain_text("…")


async def test_a_full_days_agenda_names_every_patient_within_the_socket_rate_limit(screens, clinic):
    count = 210  # more rows than one get_many (200) and far more than the hub's burst (40) of single gets
    await book_named_patients(clinic, count)
    desk = await screens.staff("/reception", "reception", clinic)
    await expect_every_row_named(desk, count)
    assert "rate_limited" not in clinic.hub.log_path.read_text()


async def test_names_come_in_when_the_patients_socket_connects_after_the_agenda_is_shown(screens, clinic):
    """The agenda (on /appointments) can render before /patients has connected; the names it
    could not ask for then are asked for when /patients connects."""
    await book_named_patients(clinic, 3)
    shown_unnamed = asyncio.Event()

    async def hold_patients_connect(context):
        async def route(ws):
            server = ws.connect_to_server()

            async def to_server(message):
                if isinstance(message, str) and message.startswith("40/patients,"):
                    # /patients connects only once the agenda is on screen without names
                    row = context.pages[0].locator("#agenda-body tr", has_text="Lote 0")
                    await expect(row).to_contain_text("…", timeout=15_000)
                    shown_unnamed.set()
                server.send(message)

            ws.on_message(to_server)

        await context.route_web_socket(re.compile(r"/socket\.io/"), route)

    desk = await screens.staff("/reception", "reception", clinic, prepare=hold_patients_connect)
    await expect_every_row_named(desk, 3)
    assert shown_unnamed.is_set()
