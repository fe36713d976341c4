"""Reception in a real browser: login, patient search and creation."""

from __future__ import annotations

import pytest
from playwright.async_api import expect

from tests.browser.conftest import login
from tests.browser.support import SYSTEM

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
