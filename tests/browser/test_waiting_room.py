"""The waiting-room display with the desks: check-in, call next, recall; never patient data."""

from __future__ import annotations

import re

import pytest
from playwright.async_api import expect

from tests.browser.conftest import screenshot
from tests.browser.support import SYSTEM, at_today

pytestmark = pytest.mark.browser
TICKET = re.compile(r"^A-\d{3}$")


class PatientDataWatch:
    """Everything the display page received or shows must be free of the patient's data."""

    def __init__(self, page, patient) -> None:
        self.page = page
        self.secrets = [patient["first_name"], patient["last_name"], patient["national_id"], patient["id"],
                        "Ñúñez", "Nunez", patient["phone"]]
        self.frames: list[str] = []
        page.on("websocket", lambda ws: ws.on("framereceived", lambda payload: self.frames.append(str(payload))))

    async def check(self) -> None:
        shown = await self.page.locator("body").inner_text()
        html = await self.page.content()
        for secret in self.secrets:
            assert secret not in shown and secret not in html, f"the display shows {secret!r}"
            for frame in self.frames:
                assert secret not in frame, f"the display received {secret!r}: {frame[:300]}"


async def book_today(clinic, hhmm: str, reason: str) -> dict:
    return await clinic.services.appointments.create(SYSTEM, {
        "patient_id": clinic.patient["id"], "doctor_id": clinic.doctor["id"], "start": at_today(hhmm), "reason": reason})


async def test_check_in_then_call_next_shows_the_ticket_on_the_display_and_never_patient_data(screens, clinic):
    await book_today(clinic, "09:00", "Control de tensión")
    display = await screens.display(clinic.token("display"))
    watch = PatientDataWatch(display, clinic.patient)
    await expect(display.locator("body")).to_have_attribute("data-connection", "online")
    assert "#token" not in display.url  # the token left the address bar
    desk = await screens.staff("/reception", "reception", clinic)
    doctor = await screens.staff("/doctor", "doctor", clinic)
    await watch.check()

    row = desk.locator("#agenda-body tr", has_text="Control de tensión")
    await row.get_by_role("button", name="Check-in").click()
    notice = desk.locator("#ticket-notice")
    await expect(notice).to_contain_text("Entregue este ticket a José Ñúñez Peña")
    ticket = await notice.locator(".ticket-big").inner_text()
    assert TICKET.match(ticket), ticket
    await expect(row).to_contain_text("En espera")
    await expect(display.locator("#waiting-tickets")).to_have_text(ticket)
    await expect(doctor.locator("#waiting-list")).to_contain_text(f"{ticket} José Ñúñez Peña")
    await watch.check()

    await display.get_by_role("button", name="Activar sonido").click()
    await doctor.get_by_role("button", name="Llamar al siguiente").click()
    await expect(doctor.locator("#call-status")).to_have_text(f"Llamado: {ticket}, José Ñúñez Peña.")
    await expect(display.locator(".latest-ticket")).to_have_text(ticket)
    await expect(display.locator(".latest-room")).to_have_text("Consulta 3")
    await expect(display.locator("#waiting-tickets li")).to_have_count(0)
    await expect(display.locator("body")).to_have_attribute("data-calls", "1")
    await expect(display.locator("#announcer")).to_have_text(f"Ticket {ticket}, Consulta 3")
    await expect(doctor.locator("#history-text")).to_have_text("Alergia a la penicilina")  # the doctor sees it
    await expect(desk.locator("#agenda-body tr", has_text="Control de tensión")).to_contain_text("Llamado")

    await doctor.get_by_role("button", name=f"Volver a llamar: {ticket}").click()
    await expect(display.locator("body")).to_have_attribute("data-calls", "2")
    assert await display.locator("body").get_attribute("data-chimes") == "2"
    await watch.check()
    await screenshot(display, "display")
    await screenshot(doctor, "doctor")
    await screenshot(desk, "reception")

    await doctor.get_by_role("button", name="Empezar consulta: José Ñúñez Peña").click()
    await doctor.get_by_role("button", name="Terminar consulta: José Ñúñez Peña").click()
    await expect(display.locator(".latest-ticket")).to_have_count(0)
    await expect(desk.locator("#agenda-body tr", has_text="Control de tensión")).to_contain_text("Atendido")
    await watch.check()
