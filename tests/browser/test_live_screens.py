"""Screens kept live without reloading: reception desks and the doctor's dashboard."""

from __future__ import annotations

import re

import pytest
from playwright.async_api import expect

from tests.browser.conftest import screenshot

pytestmark = pytest.mark.browser
PATIENT = "José Ñúñez Peña"


async def choose_patient(page, query: str, name: str) -> None:
    await page.get_by_label("Buscar paciente").fill(query)
    await page.get_by_role("button", name=f"Elegir para cita: {name}").click()
    await expect(page.locator("#booking-patient")).to_have_text(name)


async def test_booking_at_one_reception_appears_on_the_other_and_on_the_doctor_dashboard_without_reload(screens, clinic):
    desk_a = await screens.staff("/reception", "reception", clinic)
    desk_b = await screens.staff("/reception", "reception", clinic)
    doctor = await screens.staff("/doctor", "doctor", clinic)
    for page in (desk_b, doctor):
        await page.evaluate("window.notReloaded = true")

    await choose_patient(desk_a, "jose nunez", PATIENT)
    booking = desk_a.locator("#booking-form")
    await booking.get_by_label("Médico").select_option(label="Elena Ruiz · Cardiología")
    await expect(booking.locator("#slot-status")).to_have_text("24 huecos libres.")
    await booking.locator("#slot-list").get_by_text("10:00", exact=True).click()
    await booking.get_by_label("Motivo").fill("Dolor torácico")
    await booking.get_by_role("button", name="Reservar").click()
    await expect(desk_a.locator("#booking-status")).to_have_text(f"Cita reservada: {PATIENT}, 10:00, Elena Ruiz.")

    row_b = desk_b.locator("#agenda-body tr", has_text="Dolor torácico")
    await expect(row_b).to_contain_text(PATIENT)
    await expect(row_b).to_contain_text("10:00–10:30")
    await expect(row_b).to_contain_text("Citado")
    row_doctor = doctor.locator("#doctor-agenda tr", has_text="Dolor torácico")
    await expect(row_doctor).to_contain_text(PATIENT)
    await expect(row_doctor).to_have_class(re.compile(r"\bis-fresh\b"))
    await expect(desk_a.locator("#slot-status")).to_have_text("23 huecos libres.")
    for page in (desk_b, doctor):
        assert await page.evaluate("window.notReloaded") is True
    await screenshot(doctor, "doctor-new-booking")
