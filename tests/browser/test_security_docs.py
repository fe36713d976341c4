"""The API docs page renders in a real browser under its Content-Security-Policy, with no violation."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser


async def test_docs_page_renders_every_operation_without_csp_violations(screens):
    from playwright.async_api import expect

    violations: list[str] = []
    page = await screens.open("/docs")
    await page.evaluate("document.addEventListener('securitypolicyviolation', e => window.__csp = (window.__csp || [])"
                        ".concat([e.violatedDirective + ' ' + e.blockedURI]))")
    await expect(page.locator(".opblock").first).to_be_visible()
    await expect(page.get_by_text("/patients/import")).to_be_visible()
    await page.locator(".opblock-summary").first.click()  # expanding an operation renders more of the UI
    await expect(page.locator(".opblock-body").first).to_be_visible()
    violations += await page.evaluate("window.__csp || []")
    assert violations == []
