"""In a browser: an owner connects CJ on the settings page and sees the connection status."""

from __future__ import annotations

import pytest

from nexusone.suppliers.models import SupplierAccount


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_owner_connects_cj_from_the_settings_page(page, live_server, owner, merchant, cj_sandbox):
    # The live-update stream never ends; under live_server it would keep a server thread (and the
    # test process) alive after the suite. The page polls without it.
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
    assert SupplierAccount.objects.get(merchant=merchant).open_id == "284517903"
