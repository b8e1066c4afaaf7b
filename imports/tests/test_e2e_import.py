"""In a real browser against the CJ sandbox: import by URL, watch the progress bar finish, find the product."""

import threading

import pytest
from django.db import connection
from playwright.sync_api import expect

from imports.tasks import run_import_job_task
from inventory.models import Product

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def background_tasks(monkeypatch):
    """Run the import task in a worker thread a moment after it is queued, as Celery would."""
    threads = []

    def delay(job_id):
        def work():
            try:
                threading.Event().wait(1.5)
                run_import_job_task(job_id)  # the task itself: it declares its store (row-level security)
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
    page, live_server, owner, merchant, cj_sandbox, cj_sandbox_account, background_tasks
):
    # The live-update stream never ends under live_server; the job page polls its partial without it.
    page.route("**/events/stream**", lambda route: route.abort())
    page.goto(cj_sandbox.url + "/")
    link = page.locator("a[href*='-p-']").first
    product_url = link.evaluate("a => a.href")
    pid = product_url.rsplit("-p-", 1)[1].removesuffix(".html")
    name = cj_sandbox.state.product(pid).name_en

    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", owner.email)
    page.fill("input[name=password]", "pass-12345")
    page.click("button[type=submit]")
    page.goto(f"{live_server.url}/imports/")
    page.fill("textarea[name=inputs]", product_url)
    page.click("button:has-text('Preview')")
    expect(page.locator("#preview-table")).to_contain_text(pid)
    page.click("button[value=import]")

    page.wait_for_url("**/imports/jobs/**")
    progress = page.locator("#job-progress")
    expect(progress).to_have_attribute("data-status", "queued")
    expect(page.locator("#job-progress-bar")).to_have_attribute("value", "0")
    expect(progress).to_have_attribute("data-status", "succeeded", timeout=15000)
    expect(page.locator("#job-progress-bar")).to_have_attribute("value", "100")
    expect(page.locator("#job-items")).to_contain_text(name)
    expect(page.locator("#job-items")).to_contain_text("Imported")
    assert Product.objects.filter(merchant=merchant, external_id=pid, name=name).exists()

    page.goto(f"{live_server.url}/inventory/")
    expect(page.locator("main")).to_contain_text(name)
