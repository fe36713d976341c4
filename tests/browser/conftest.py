"""Fixtures of the browser tier: Debian's chromium driven by Playwright, against a real hub.

Nothing is mocked: the pages come from the hub, talk to it over real websockets, and the
hub writes to a real SQLite file. Without chromium (or Playwright) every test here is
skipped with the reason in the summary; it never passes silently.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from tests.browser.support import CHROMIUM, CHROMIUM_ARGS, CLINIC_TZ, SCREENSHOTS, Clinic, chromium_missing, open_clinic
from tests.conftest import PASSWORD

# Console errors a page may log without being wrong: the browser's own network messages
# while the hub is down or a request is refused on purpose (expired tokens, bad passwords).
EXPECTED_CONSOLE = re.compile(
    r"WebSocket connection to .* failed|Failed to load resource: (net::ERR_CONNECTION_REFUSED|the server responded "
    r"with a status of 40[13])"
)


class Screens:
    """Browser contexts (one per screen, like separate machines) with error capture."""

    def __init__(self, browser: Any, base_url: str) -> None:
        self.browser, self.base_url = browser, base_url
        self.contexts: list[Any] = []
        self.errors: list[str] = []

    async def open(self, path: str, prepare: Any = None) -> Any:
        """``prepare(context)``, if given, runs before the page loads (routes, init scripts)."""
        context = await self.browser.new_context(
            base_url=self.base_url, timezone_id=CLINIC_TZ, locale="es-ES", viewport={"width": 1280, "height": 900}
        )
        context.set_default_timeout(10_000)
        if prepare is not None:
            await prepare(context)
        self.contexts.append(context)
        page = await context.new_page()
        page.on("pageerror", lambda exc: self.errors.append(f"{path}: page error: {exc}"))
        page.on("console", lambda msg: self._console(path, msg))
        await page.goto(path)
        return page

    def _console(self, path: str, message: Any) -> None:
        if message.type in ("error", "warning") and not EXPECTED_CONSOLE.search(message.text):
            self.errors.append(f"{path}: console {message.type}: {message.text}")

    async def staff(self, path: str, role: str, clinic: Clinic, prepare: Any = None) -> Any:
        page = await self.open(path, prepare)
        await login(page, clinic.users[role]["email"])
        return page

    async def display(self, token: str) -> Any:
        return await self.open(f"/display#token={token}")

    async def close(self) -> None:
        for context in self.contexts:
            await context.close()


async def login(page: Any, email: str, password: str = PASSWORD) -> None:
    from playwright.async_api import expect

    form = page.locator("#login-form")
    await form.get_by_label("Correo electrónico").fill(email)
    await form.get_by_label("Contraseña").fill(password)
    await form.get_by_role("button", name="Entrar").click()
    await expect(page.locator("#app")).to_be_visible()
    await expect(page.locator("body")).to_have_attribute("data-connection", "online")


async def until(predicate: Any, timeout: float = 5.0) -> None:
    """Wait for a condition on what the test collected (frames, events)."""
    deadline = asyncio.get_running_loop().time() + timeout
    while not predicate():
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError("condition never became true")
        await asyncio.sleep(0.05)


async def screenshot(page: Any, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    await page.screenshot(path=str(path), full_page=True)
    return path


@pytest.fixture
async def chromium() -> AsyncIterator[Any]:
    reason = chromium_missing()
    if reason:
        pytest.skip(f"BROWSER TESTS NOT RUN: {reason}")
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        await browser.close()


@pytest.fixture
async def clinic(chromium: Any, tmp_path: Path) -> AsyncIterator[Clinic]:
    site = await open_clinic(tmp_path)
    yield site
    await site.close()


@pytest.fixture
async def screens(chromium: Any, clinic: Clinic) -> AsyncIterator[Screens]:
    opened = Screens(chromium, clinic.url)
    yield opened
    await opened.close()
    assert not opened.errors, "\n".join(opened.errors)
