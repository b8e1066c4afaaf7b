"""The Chrome extension in Debian's Chromium against the app on a live server and the CJ sandbox.

CJ's URLs are routed to local pages shaped like CJ's (cj_pages.py); the extension talks to the live server.
"""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import BrowserContext, Page, expect

from extension_auth import actions
from extension_auth.models import ExtensionSession
from imports.models import ImportJob
from imports.tests.test_e2e_import import background_tasks  # noqa: F401 - runs queued imports in a thread
from inventory.models import Product
from nexusone.accounts.choices import Plan
from nexusone.accounts.models import Merchant
from tests.factories import ProductFactory

from . import cj_pages

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

EXTENSION_DIR = Path(settings.BASE_DIR) / "extension"
PASSWORD = "pass-12345"
SESSION_ENDED = "Session expired or revoked — pair again"


@pytest.fixture
def catalog(cj_sandbox) -> list[tuple[str, str]]:
    """Five (pid, name) pairs from the sandbox's seeded catalog."""
    products = itertools.islice(cj_sandbox.state.products.values(), 5)
    return [(product.pid, product.name_en) for product in products]


def serve_cj_pages(context: BrowserContext, catalog: list[tuple[str, str]]) -> None:
    names = dict(catalog)

    def fulfil(route) -> None:
        path = route.request.url.split("cjdropshipping.com", 1)[1].split("?", 1)[0]
        match = cj_pages.PRODUCT_PATH.match(path)
        if match and match.group(1).upper() in names:
            body = cj_pages.product_page(match.group(1), names[match.group(1).upper()])
        elif path.startswith("/list/"):
            body = cj_pages.listing_page(catalog)
        else:
            route.fulfill(status=404, body="")
            return
        route.fulfill(status=200, content_type="text/html; charset=utf-8", body=body)

    context.route(cj_pages.CJ_URLS, fulfil)


class Extension:
    """The loaded extension: its id, and every console error of its pages, its worker and CJ's pages."""

    def __init__(self, context: BrowserContext, server: str) -> None:
        self.context = context
        self.server = server
        worker = context.service_workers[0] if context.service_workers else context.wait_for_event("serviceworker")
        self.id = worker.url.split("/")[2]
        self.errors: list[str] = []
        self.extensions_page = context.new_page()  # Chrome's own report of the extension's errors
        self.extensions_page.goto(f"chrome://extensions/?id={self.id}")
        self.extensions_page.evaluate(
            "() => new Promise(done =>"
            " chrome.developerPrivate.updateProfileConfiguration({inDeveloperMode: true}, done))"
        )
        worker.on("console", self._record)
        context.on("console", self._record)
        context.on("weberror", lambda error: self.errors.append(f"uncaught: {error.error}"))

    def _record(self, message) -> None:
        page_url = message.page.url if getattr(message, "page", None) else "service worker"
        dashboard = page_url.startswith(self.server)
        if message.type == "error" and not dashboard:  # the dashboard's own console is not the extension's
            self.errors.append(f"{page_url}: {message.text}")

    def problems(self) -> list[str]:
        """Console errors seen, plus what Chrome lists for the extension: manifest errors, warnings, runtime errors."""
        info = self.extensions_page.evaluate(
            "id => new Promise(done => chrome.developerPrivate.getExtensionInfo(id, done))", self.id
        )
        reported = [*info["manifestErrors"], *info["installWarnings"], *info["runtimeErrors"]]
        return self.errors + [str(problem) for problem in reported]

    def url(self, path: str) -> str:
        return f"chrome-extension://{self.id}/{path}"

    def pair(self, token: str) -> Page:
        """Point the extension at the live server (options page), then paste the token (popup)."""
        options = self.context.new_page()
        options.goto(self.url("options/options.html"))
        options.fill("#server", self.server)
        options.click("button[type=submit]")
        expect(options.locator("#status")).to_contain_text("Saved.")
        options.close()
        popup = self.context.new_page()
        popup.goto(self.url("popup/popup.html"))
        popup.fill("#token", token)
        popup.click("#pair-form button[type=submit]")
        return popup


@pytest.fixture
def extension(playwright, browser_type_launch_args, live_server, tmp_path, catalog):
    flags = [f"--disable-extensions-except={EXTENSION_DIR}", f"--load-extension={EXTENSION_DIR}"]
    context = playwright.chromium.launch_persistent_context(
        str(tmp_path / "profile"),
        executable_path=browser_type_launch_args["executable_path"],
        headless=True,
        args=[*browser_type_launch_args["args"], *flags],
    )
    context.set_default_timeout(15000)
    serve_cj_pages(context, catalog)
    yield Extension(context, live_server.url)
    context.close()


@pytest.fixture
def premium_store(merchant, cj_sandbox_account, background_tasks):  # noqa: F811
    merchant.plan = Plan.PREMIUM
    merchant.save(update_fields=["plan"])
    return merchant


def sign_in(page: Page, server: str, user) -> None:
    page.route("**/events/stream**", lambda route: route.abort())  # the live stream never ends under live_server
    page.goto(f"{server}/accounts/login/")
    page.fill("input[name=username]", user.email)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(lambda url: "/accounts/login" not in url)


def generate_token_on_the_dashboard(page: Page, server: str) -> str:
    page.goto(f"{server}/extension/")
    page.fill("input[name=name]", "Chrome in the test")
    page.click("button:has-text('Generate token')")
    token = page.locator("#extension-token")
    expect(token).to_be_visible()
    return token.inner_text().strip()


def widget(page: Page):
    return page.locator(".nx1-widget")


def test_pairing_through_options_and_popup_then_one_click_imports_the_product(extension, premium_store, owner, catalog):
    dashboard = extension.context.new_page()
    sign_in(dashboard, extension.server, owner)
    token = generate_token_on_the_dashboard(dashboard, extension.server)

    popup = extension.pair(token)
    expect(popup.locator("#store")).to_have_text(premium_store.name)
    expect(popup.locator("#plan")).to_have_text("Premium")
    expect(popup.locator("#quota")).to_have_text("Unlimited")
    expect(popup.locator("#expires")).to_contain_text("UTC (in 7 days)")
    popup.fill("#markup-value", "25")
    popup.fill("#tags", "from-extension")
    popup.click("#defaults-form button[type=submit]")
    expect(popup.locator("#saved")).to_have_text("Saved.")

    pid, name = catalog[0]
    page = extension.context.new_page()
    page.goto(cj_pages.product_url(pid, name))
    button = page.locator(".nx1-widget .nx1-button")
    expect(button).to_have_text("Import to NexusOne")
    expect(widget(page)).to_have_attribute("data-nexusone-state", "not_imported")
    # Beside the title, whatever CJ's markup around it.
    assert page.evaluate("document.querySelector('h1').nextElementSibling.className") == "nx1-widget"

    button.click()
    expect(widget(page)).to_have_attribute("data-nexusone-state", "importing")
    expect(widget(page)).to_have_attribute("data-nexusone-state", "imported", timeout=20000)
    expect(button).to_have_text("Imported to NexusOne")
    link = page.locator(".nx1-widget .nx1-link")
    expect(link).to_be_visible()
    assert link.get_attribute("href") == f"{extension.server}/inventory/?external_id={pid}"

    product = Product.objects.get(merchant=premium_store, external_id=pid)
    assert product.markup == {"type": "percent", "value": "25"}
    assert list(product.tags.values_list("name", flat=True)) == ["from-extension"]
    assert ImportJob.objects.get().source == "extension"

    page.reload()  # the state comes back from the lookup on every visit
    expect(widget(page)).to_have_attribute("data-nexusone-state", "imported")
    assert extension.problems() == []


def test_selecting_three_of_four_cards_imports_exactly_those_three(extension, premium_store, owner, catalog):
    already_pid, already_name = catalog[4]
    ProductFactory(merchant=premium_store, external_id=already_pid, name=already_name)
    _, token = actions.create_session(owner, premium_store)
    expect(extension.pair(token).locator("#store")).to_have_text(premium_store.name)

    page = extension.context.new_page()
    page.goto(f"{cj_pages.CJ_ORIGIN}/list/wholesale-home-garden-l-2415.html")
    cards = page.locator(".nx1-card")
    expect(cards).to_have_count(5)  # the last card arrives after load, as CJ's do
    already = page.locator(f".nx1-card[data-nexusone-pid='{already_pid}']")
    expect(already).to_have_attribute("data-nexusone-state", "imported")
    expect(already.locator(".nx1-checkbox")).to_be_disabled()
    bar_button = page.locator(".nx1-import-selected")
    expect(bar_button).to_have_text("Import selected (0)")

    page.click(".nx1-select-all")
    expect(bar_button).to_have_text("Import selected (4)")
    expect(already.locator(".nx1-checkbox")).not_to_be_checked()
    page.click(".nx1-select-none")
    expect(bar_button).to_have_text("Import selected (0)")

    chosen = [pid for pid, _ in catalog[:4]][:3]
    for pid in chosen:
        page.locator(f".nx1-card[data-nexusone-pid='{pid}'] .nx1-checkbox").check()
    expect(bar_button).to_have_text("Import selected (3)")
    bar_button.click()

    for pid in chosen:
        card = page.locator(f".nx1-card[data-nexusone-pid='{pid}']")
        expect(card).to_have_attribute("data-nexusone-state", "imported", timeout=20000)
        expect(card.locator(".nx1-link")).to_be_visible()
    left_out = page.locator(f".nx1-card[data-nexusone-pid='{catalog[3][0]}']")
    expect(left_out).to_have_attribute("data-nexusone-state", "not_imported")
    expect(page.locator(".nx1-bar-message")).to_contain_text("Done: 3 imported")
    imported = set(Product.objects.filter(merchant=premium_store).values_list("external_id", flat=True))
    assert imported == {*chosen, already_pid}
    assert extension.problems() == []


def test_after_revoking_the_session_on_the_dashboard_the_page_asks_to_pair_again_and_imports_nothing(
    extension, premium_store, owner, catalog
):
    _, token = actions.create_session(owner, premium_store, name="Revoke me")
    expect(extension.pair(token).locator("#store")).to_have_text(premium_store.name)
    pid, name = catalog[1]
    page = extension.context.new_page()
    page.goto(cj_pages.product_url(pid, name))
    expect(widget(page)).to_have_attribute("data-nexusone-state", "not_imported")

    dashboard = extension.context.new_page()
    sign_in(dashboard, extension.server, owner)
    dashboard.goto(f"{extension.server}/extension/")
    dashboard.on("dialog", lambda dialog: dialog.accept())
    dashboard.locator("tr", has_text="Revoke me").locator("button:has-text('Revoke')").click()
    expect(dashboard.locator("#sessions")).to_contain_text("revoked")
    assert ExtensionSession.objects.get().revoked_at is not None

    page.bring_to_front()
    page.locator(".nx1-widget .nx1-button").click()
    expect(page.locator(".nx1-widget .nx1-message")).to_have_text(SESSION_ENDED)
    expect(widget(page)).to_have_attribute("data-nexusone-state", "error")
    assert not ImportJob.objects.exists()
    assert not Product.objects.exists()

    page.reload()
    expect(page.locator(".nx1-widget .nx1-message")).to_have_text(SESSION_ENDED)
    popup = extension.context.new_page()
    popup.goto(extension.url("popup/popup.html"))
    expect(popup.locator("#error")).to_have_text(SESSION_ENDED)
    expect(popup.locator("#pair-form")).to_be_visible()
    assert not Product.objects.exists()
    assert extension.problems() == []


def test_a_free_merchants_token_is_refused_with_the_plan_named(extension, premium_store, owner, catalog):
    _, token = actions.create_session(owner, premium_store)
    expect(extension.pair(token).locator("#store")).to_have_text(premium_store.name)
    pid, name = catalog[2]
    page = extension.context.new_page()
    page.goto(cj_pages.product_url(pid, name))
    expect(widget(page)).to_have_attribute("data-nexusone-state", "not_imported")

    Merchant.objects.filter(pk=premium_store.pk).update(plan=Plan.FREE)  # a lapsed plan, its token still held
    page.locator(".nx1-widget .nx1-button").click()
    message = page.locator(".nx1-widget .nx1-message")
    expect(message).to_have_text("The Chrome extension needs the Premium plan; upgrade in Settings → Plan.")
    assert not ImportJob.objects.exists()

    popup = extension.pair(token)
    expect(popup.locator("#error")).to_contain_text("needs the Premium plan")
    expect(popup.locator("#paired")).to_be_hidden()
    assert not Product.objects.exists()
    assert extension.problems() == []


def test_the_cj_sandbox_pages_of_make_run_get_checkboxes_and_the_button_too(
    extension, premium_store, owner, cj_sandbox, catalog
):
    def from_sandbox(route) -> None:  # `make run` mounts the sandbox at /sandbox/cj/ of the app
        path = route.request.url.split("/sandbox/cj", 1)[1]
        route.fulfill(response=route.fetch(url=cj_sandbox.url + path))

    extension.context.route(f"{extension.server}/sandbox/cj/**", from_sandbox)
    _, token = actions.create_session(owner, premium_store)
    expect(extension.pair(token).locator("#store")).to_have_text(premium_store.name)

    page = extension.context.new_page()
    page.goto(f"{extension.server}/sandbox/cj/")
    expect(page.locator(".nx1-card")).to_have_count(page.locator("li.product").count())
    expect(page.locator(".nx1-import-selected")).to_have_text("Import selected (0)")

    pid = catalog[0][0]
    page.locator(f"li.product[data-nexusone-pid='{pid}'] a[href*='-p-']").click()
    expect(widget(page)).to_have_attribute("data-nexusone-state", "not_imported")
    page.locator(".nx1-widget .nx1-button").click()
    expect(widget(page)).to_have_attribute("data-nexusone-state", "imported", timeout=20000)
    assert Product.objects.filter(merchant=premium_store, external_id=pid).exists()
    assert extension.problems() == []


def test_moving_from_a_list_to_a_product_inside_cjs_single_page_app_swaps_checkboxes_for_the_button(
    extension, premium_store, owner, catalog
):
    _, token = actions.create_session(owner, premium_store)
    expect(extension.pair(token).locator("#store")).to_have_text(premium_store.name)
    page = extension.context.new_page()
    page.goto(f"{cj_pages.CJ_ORIGIN}/list/wholesale-home-garden-l-2415.html")
    expect(page.locator(".nx1-card")).to_have_count(5)

    pid, name = catalog[3]
    page.evaluate(  # what CJ's router does on a click: a new URL and new markup, no page load
        "([url, name]) => { history.pushState({}, '', url);"
        " document.getElementById('app').innerHTML = '<h1></h1>';"
        " document.querySelector('#app h1').textContent = name; }",
        [cj_pages.product_url(pid, name), name],
    )
    expect(widget(page)).to_have_attribute("data-nexusone-state", "not_imported")
    assert page.get_attribute(".nx1-widget", "data-nexusone-pid") == pid
    expect(page.locator(".nx1-bar")).to_have_count(0)
    assert extension.problems() == []
