"""Browser: a sync run by the worker (not started from the page) changes a product's stock on an open
inventory page without a reload, and the header's notification badge counts up.

The page follows /events/stream (Redis pub/sub here); nothing on it polls while the sync runs.
"""

from __future__ import annotations

import re
import threading

import pytest
from django.db import connections
from playwright.sync_api import expect

from inventory import actions
from inventory.choices import SyncTrigger
from inventory.tests.catalog import mirror_supplier_product
from nexusone.core.tenancy import merchant_context
from nexusone.suppliers.registry import get_supplier


@pytest.fixture
def eager_notifications():
    """Notification tasks run where they are queued (the email goes to the test outbox)."""
    from nexusone.celery import app

    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = previous


def run_on_worker(merchant) -> threading.Thread:
    def work() -> None:
        try:
            with merchant_context(merchant):  # a worker acts for its store (row-level security)
                actions.start_sync(merchant, SyncTrigger.SCHEDULED, None, run_now=True)
        finally:
            connections.close_all()

    thread = threading.Thread(target=work, daemon=True)
    thread.start()
    return thread


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_a_worker_sync_changes_the_stock_on_an_open_page_and_the_badge_counts_up(
    live_server, page, client, merchant, owner, cj_sandbox, cj_sandbox_account, eager_notifications, mailoutbox
):
    actions.update_inventory_settings(merchant, ship_from_countries=["CN"])
    supplier = get_supplier(cj_sandbox_account)
    pid = next(
        p.pid
        for p in cj_sandbox.state.products.values()
        if p.on_sale and all(v.on_sale and v.stock.get("CN", (0, 0))[0] > 10 for v in p.variants)
    )
    product = mirror_supplier_product(merchant, supplier.get_product(pid), supplier.get_product_stock(pid), {"CN"})
    for variant in product.variants.all():
        cj_sandbox.control("stock", {"vid": variant.external_id, "quantity": 0})
    client.force_login(owner)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )

    page.goto(f"{live_server.url}/inventory/")
    badge = page.locator(f'tr[data-external-id="{product.external_id}"] .stock-badge')
    unread = page.locator("#notification-badge")
    expect(badge).to_have_text(f"In stock · {product.stock_quantity}")
    expect(unread).to_have_attribute("data-unread", "0")
    page.wait_for_timeout(1500)  # the page's event stream is open

    worker = run_on_worker(merchant)

    expect(badge).to_have_text("Out of stock", timeout=30_000)
    expect(unread).to_have_attribute("data-unread", re.compile(r"^[1-9]"), timeout=15_000)
    worker.join(timeout=30)
    assert any(product.name in message.subject for message in mailoutbox)  # out of stock is emailed by default
    page.goto("about:blank")  # closes the page's event stream before the database is torn down
