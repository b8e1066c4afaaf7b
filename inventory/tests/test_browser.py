"""Browser: Sync now → the progress bar runs to the end → the stock badge changes.

The app talks to the CJ sandbox over HTTP through the real CJ client (rate limited to 3
requests/s so the run lasts a few seconds); the sync runs on a background thread, as on
a Celery worker, and the page follows it by polling its progress partial.
"""

from __future__ import annotations

import threading

import pytest
from django.db import connections
from playwright.sync_api import expect

from inventory import actions, tasks
from inventory.models import SyncRun
from inventory.tests.catalog import mirror_supplier_product
from nexusone.suppliers.registry import get_supplier


@pytest.fixture
def worker_thread(monkeypatch):
    """Run queued syncs on a thread, like a Celery worker."""
    threads = []

    def delay(run_id: str) -> None:
        def work() -> None:
            try:
                tasks.run_sync_task(run_id)  # the task itself: it declares its store (row-level security)
            finally:
                connections.close_all()

        thread = threading.Thread(target=work, daemon=True)
        threads.append(thread)
        thread.start()

    monkeypatch.setattr(tasks.run_sync_task, "delay", delay)
    yield
    for thread in threads:
        thread.join(timeout=60)


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_sync_now_runs_the_progress_bar_to_the_end_and_updates_the_stock_badge(
    live_server, page, client, merchant, owner, cj_sandbox, cj_sandbox_account, worker_thread
):
    actions.update_inventory_settings(merchant, ship_from_countries=["CN"])
    supplier = get_supplier(cj_sandbox_account)
    pids = [
        p.pid
        for p in cj_sandbox.state.products.values()
        if p.on_sale and all(v.on_sale and v.stock.get("CN", (0, 0))[0] > 10 for v in p.variants)
    ][:6]
    products = [
        mirror_supplier_product(merchant, supplier.get_product(pid), supplier.get_product_stock(pid), {"CN"})
        for pid in pids
    ]
    target = products[0]
    variants = list(target.variants.order_by("external_id"))
    for index, variant in enumerate(variants):
        cj_sandbox.control("stock", {"vid": variant.external_id, "quantity": 2 if index == 0 else 0})
    cj_sandbox_account.qps = 3
    cj_sandbox_account.save(update_fields=["qps"])
    client.force_login(owner)
    session = client.cookies["sessionid"].value
    page.context.add_cookies([{"name": "sessionid", "value": session, "url": live_server.url}])

    page.goto(f"{live_server.url}/inventory/")
    badge = page.locator(f'tr[data-external-id="{target.external_id}"] .stock-badge')
    expect(badge).to_have_text(f"In stock · {target.stock_quantity}")

    page.get_by_role("button", name="Sync now").click()

    expect(page.locator("#sync-status")).to_have_text("Running", timeout=10_000)
    expect(page.locator("#sync-status")).to_have_text("Succeeded", timeout=60_000)
    expect(page.locator("#sync-bar")).to_have_attribute("value", "100")
    expect(badge).to_have_text("Low · 2", timeout=10_000)
    expect(badge).to_have_class("badge badge-low stock-badge")
    run = SyncRun.objects.get()
    assert (run.total, run.api_calls) == (6, 12)
    page.goto("about:blank")  # closes the page's event stream before the database is torn down
