"""Every HTML list pages by cursor through nexusone.core.pagination, keeping its filters and sort."""

from __future__ import annotations

import re
from html import unescape

import pytest
from django.urls import reverse

from imports.models import ImportJob
from inventory.models import SyncRun
from orders.models import Order

pytestmark = pytest.mark.django_db


def next_link(html: str) -> str | None:
    found = re.search(r'<a href="([^"]+)" rel="next"', html)
    return unescape(found.group(1)) if found else None


def walk(client, url: str, params: dict | None = None) -> list[str]:
    """The pages of a list from the first to the last, by following its next links."""
    pages = [client.get(url, params or {}).content.decode()]
    while (link := next_link(pages[-1])) is not None:
        assert len(pages) < 10, "the next links never end"
        pages.append(client.get(link).content.decode())
    return pages


def test_the_order_list_pages_through_every_order_oldest_first_too(owner_client, merchant):
    for n in range(30):
        Order.objects.create(merchant=merchant, reference=f"#P{n:03d}", customer_name="Ann", customer_email="a@x.io")
    pages = walk(owner_client, reverse("orders:index"), {"sort": "created_at"})
    seen = [ref for page in pages for ref in re.findall(r'data-order="(#P\d{3})"', page)]
    assert seen == [f"#P{n:03d}" for n in range(30)]
    assert len(pages) == 2


def test_the_order_list_pages_newest_first_by_default(owner_client, merchant):
    for n in range(30):
        Order.objects.create(merchant=merchant, reference=f"#P{n:03d}", customer_name="Ann", customer_email="a@x.io")
    pages = walk(owner_client, reverse("orders:index"))
    seen = [ref for page in pages for ref in re.findall(r'data-order="(#P\d{3})"', page)]
    assert seen == [f"#P{n:03d}" for n in reversed(range(30))]


def test_the_import_history_pages_keep_the_status_filter(owner_client, merchant):
    failed = [ImportJob.objects.create(merchant=merchant, source="ids", status="failed") for _ in range(27)]
    succeeded = ImportJob.objects.create(merchant=merchant, source="ids", status="succeeded")
    pages = walk(owner_client, reverse("imports:history"), {"status": "failed"})
    assert "status=failed" in next_link(pages[0])
    seen = [job for page in pages for job in re.findall(r"/imports/jobs/([0-9a-f-]{36})", page)]
    assert sorted(seen) == sorted(str(job.pk) for job in failed)
    assert str(succeeded.pk) not in "".join(pages)


def test_the_sync_history_pages_through_every_run(owner_client, merchant):
    runs = [SyncRun.objects.create(merchant=merchant, trigger="manual", status="succeeded") for _ in range(26)]
    pages = walk(owner_client, reverse("inventory:syncs"))
    seen = [run for page in pages for run in re.findall(r"/inventory/syncs/([0-9a-f-]{36})", page)]
    assert sorted(set(seen)) == sorted(str(run.pk) for run in runs)
    assert len(pages) == 2
