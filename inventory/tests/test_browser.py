"""Browser: Sync now → the progress bar runs to the end → the stock badge changes.

Runs against the live server with the in-memory FakeSupplier registered for "cj"; the sync
runs on a background thread (as a worker would), and the page follows it by polling.
"""

from __future__ import annotations

import threading
import time

import pytest
from django.db import connections
from playwright.sync_api import expect

from inventory import actions, tasks
from inventory.models import SyncRun
from inventory.tests.conftest import mirror
from nexusone.suppliers.models import SupplierAccount


class SlowSupplier:
    """Delays every call so the progress bar has something to show."""

    def __init__(self, fake, delay: float) -> None:
        self.fake, self.delay = fake, delay

    def __getattr__(self, name):
        attribute = getattr(self.fake, name)
        if not callable(attribute):
            return attribute

        def slow(*args, **kwargs):
            time.sleep(self.delay)
            return attribute(*args, **kwargs)

        return slow


@pytest.fixture
def worker_thread(monkeypatch):
    """Run queued syncs on a thread, like a Celery worker."""
    threads = []

    def delay(run_id: str) -> None:
        def work() -> None:
            try:
                actions.execute_sync(SyncRun.objects.get(pk=run_id))
            finally:
                connections.close_all()

        thread = threading.Thread(target=work, daemon=True)
        threads.append(thread)
        thread.start()

    monkeypatch.setattr(tasks.run_sync_task, "delay", delay)
    yield
    for thread in threads:
        thread.join(timeout=30)


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_sync_now_runs_the_progress_bar_to_the_end_and_updates_the_stock_badge(
    live_server, page, client, merchant, owner, fake_supplier, worker_thread
):
    from nexusone.suppliers import registry

    SupplierAccount.objects.create(merchant=merchant, supplier="cj", api_key="test-key")
    for i in range(1, 7):
        fake_supplier.add_product(f"PID-{i}", name=f"Lamp {i}", variants=2, stock=20)
        mirror(merchant, fake_supplier, f"PID-{i}")
    fake_supplier.stock["PID-1-V1"] = 0
    fake_supplier.stock["PID-1-V2"] = 2
    registry.register("cj", lambda account: SlowSupplier(fake_supplier, 0.4))
    client.force_login(owner)
    session = client.cookies["sessionid"].value
    page.context.add_cookies([{"name": "sessionid", "value": session, "url": live_server.url}])

    page.goto(f"{live_server.url}/inventory/")
    badge = page.locator('tr[data-external-id="PID-1"] .stock-badge')
    expect(badge).to_have_text("In stock · 40")

    page.get_by_role("button", name="Sync now").click()

    expect(page.locator("#sync-status")).to_have_text("Running", timeout=10_000)
    expect(page.locator("#sync-status")).to_have_text("Succeeded", timeout=30_000)
    expect(page.locator("#sync-bar")).to_have_attribute("value", "100")
    expect(badge).to_have_text("Low · 2", timeout=10_000)
    expect(badge).to_have_class("badge badge-low stock-badge")
    assert SyncRun.objects.get().changed == 1
