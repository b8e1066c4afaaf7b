"""In a browser: an owner connects CJ on the settings page and sees the connection status.

The browser is started and stopped inside the test (not pytest-playwright's session fixture),
so no event loop stays running for later tests that call asyncio.run().
"""

from __future__ import annotations

import pytest
from playwright.sync_api import sync_playwright

from nexusone.suppliers.models import SupplierAccount

CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_owner_connects_cj_from_the_settings_page(live_server, owner, merchant, cj_sandbox):
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", headless=True, args=CHROMIUM_ARGS)
        page = browser.new_page()
        # The live-update stream never ends; under live_server it would keep a server thread (and the
        # test process) alive. The page polls without it.
        page.route("**/events/stream**", lambda route: route.abort())
        page.goto(f"{live_server.url}/accounts/login/")
        page.fill("input[name=username]", owner.email)
        page.fill("input[name=password]", "pass-12345")
        page.click("button[type=submit]")
        page.goto(f"{live_server.url}/accounts/settings/")
        section = page.locator("#cj-connection")
        assert "Not connected" in section.inner_text()
        section.locator("input[name=api_key]").fill("CJ1234567@api@wrong")
        section.locator("button[type=submit]").first.click()
        assert "CJ refused this API key" in page.content()
        section = page.locator("#cj-connection")
        section.locator("input[name=api_key]").fill("sandbox-key")
        section.locator("button[type=submit]").first.click()
        assert "Connected to CJ Dropshipping." in page.content()
        assert "Connected" in page.locator("#cj-connection").inner_text()
        browser.close()
    assert SupplierAccount.objects.get(merchant=merchant).open_id == "284517903"
