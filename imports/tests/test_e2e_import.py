"""In a real browser: import by URL, watch the progress bar finish, find the product in the catalog."""

import threading

import pytest
from django.db import connection
from playwright.sync_api import expect

from imports import actions
from inventory.models import Product
from nexusone.suppliers.models import SupplierAccount

from .conftest import LAMP

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def background_tasks(monkeypatch):
    """Run the import task in a worker thread a moment after it is queued, as Celery would."""
    threads = []

    def delay(job_id):
        def work():
            try:
                threading.Event().wait(1.5)
                actions.run_import_job(job_id)
            finally:
                connection.close()

        thread = threading.Thread(target=work)
        threads.append(thread)
        thread.start()

    monkeypatch.setattr("imports.tasks.run_import_job_task.delay", delay)
    yield
    for thread in threads:
        thread.join(timeout=10)


def test_import_by_url_shows_progress_to_the_end_and_the_product_lands_in_the_catalog(
    page, live_server, owner, merchant, catalog, background_tasks
):
    SupplierAccount.objects.create(merchant=merchant, supplier="cj", api_key="k")
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", owner.email)
    page.fill("input[name=password]", "pass-12345")
    page.click("button[type=submit]")
    page.goto(f"{live_server.url}/imports/")

    page.fill("textarea[name=inputs]", f"https://www.cjdropshipping.com/product/desk-lamp-p-{LAMP}.html")
    page.click("button:has-text('Preview')")
    expect(page.locator("#preview-table")).to_contain_text(LAMP)
    page.click("button[value=import]")

    page.wait_for_url("**/imports/jobs/**")
    progress = page.locator("#job-progress")
    expect(progress).to_have_attribute("data-status", "queued")
    expect(page.locator("#job-progress-bar")).to_have_attribute("value", "0")
    expect(progress).to_have_attribute("data-status", "succeeded", timeout=15000)
    expect(page.locator("#job-progress-bar")).to_have_attribute("value", "100")
    expect(page.locator("#job-items")).to_contain_text("Desk Lamp")
    expect(page.locator("#job-items")).to_contain_text("Imported")
    assert Product.objects.filter(merchant=merchant, external_id=LAMP, name="Desk Lamp").exists()
