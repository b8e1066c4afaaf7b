"""Every list (orders, inventory, import history, sync history) narrows as you type or choose, in place.

To htmx the list's view answers its list partial with the filters applied; without JavaScript the
filter form submits by GET and the same view answers the whole page.
"""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from imports.choices import ImportSource, ItemStatus, JobStatus
from imports.models import ImportItem, ImportJob
from inventory.choices import ChangeKind, SyncStatus, SyncTrigger
from inventory.models import Product, SyncChange, SyncRun
from orders.choices import OrderStatus
from orders.models import Order
from tests.factories import ProductFactory
from tests.page_walk import DESKTOP, log_in

HX = {"HX-Request": "true"}


def _order(merchant, reference: str, name: str, status: str) -> Order:
    return Order.objects.create(
        merchant=merchant, reference=reference, customer_name=name, customer_email="c@example.com", status=status
    )


def _import_job(merchant, product, status: str) -> ImportJob:
    job = ImportJob.objects.create(merchant=merchant, source=ImportSource.IDS, status=status, requested=1, imported=1)
    ImportItem.objects.create(
        merchant=merchant, job=job, input=product.external_id, pid=product.external_id, status=ItemStatus.IMPORTED
    )
    return job


def _sync_run(merchant, product, status: str, trigger: str) -> SyncRun:
    run = SyncRun.objects.create(merchant=merchant, status=status, trigger=trigger, total=1, processed=1, changed=1)
    SyncChange.objects.create(
        merchant=merchant, run=run, product=product, kind=ChangeKind.STOCK, old_stock=9, new_stock=8
    )
    return run


def _lists(merchant) -> dict[str, tuple[str, str]]:
    """Two rows in every list, told apart by a search for the lamp (or by a filter, which finds the box).

    Returns list name → (what shows the lamp's row, what shows the box's row).
    """
    lamp = ProductFactory(merchant=merchant, name="Desk Lamp", external_id="1111000011110000111", is_active=True)
    box = ProductFactory(merchant=merchant, name="Storage Box", external_id="2222000022220000222", is_active=False)
    jobs = [_import_job(merchant, lamp, JobStatus.SUCCEEDED), _import_job(merchant, box, JobStatus.FAILED)]
    runs = [
        _sync_run(merchant, lamp, SyncStatus.SUCCEEDED, SyncTrigger.MANUAL),
        _sync_run(merchant, box, SyncStatus.FAILED, SyncTrigger.SCHEDULED),
    ]
    _order(merchant, "#LAMP-1", "Lamp Buyer", OrderStatus.CONFIRMED)
    _order(merchant, "#BOX-2", "Box Buyer", OrderStatus.DELIVERED)
    return {
        "orders": ("#LAMP-1", "#BOX-2"),
        "inventory": (lamp.external_id, box.external_id),
        "import history": tuple(reverse("imports:job", args=[job.pk]) for job in jobs),
        "sync history": tuple(reverse("inventory:sync_detail", args=[run.pk]) for run in runs),
    }


# Each list: its page, the id of its list partial, a search that finds the lamp, a filter that finds the box.
LISTS = {
    "orders": ("orders:index", "orders", "lamp", ("status", OrderStatus.DELIVERED)),
    "inventory": ("inventory:index", "product-table", "lamp", ("is_active", "false")),
    "import history": ("imports:history", "jobs", "1111000011110000111", ("status", JobStatus.FAILED)),
    "sync history": ("inventory:syncs", "runs", "lamp", ("status", SyncStatus.FAILED)),
}


@pytest.mark.django_db
@pytest.mark.parametrize("list_name", LISTS)
def test_an_htmx_search_gets_only_the_list_partial_with_the_search_applied(owner_client, merchant, list_name):
    lamp, box = _lists(merchant)[list_name]
    route, partial_id, search, (field, value) = LISTS[list_name]

    searched = owner_client.get(reverse(route), {"search": search}, headers=HX)
    filtered = owner_client.get(reverse(route), {field: value}, headers=HX).content.decode()

    html = searched.content.decode()
    assert searched.status_code == 200
    assert "HX-Request" in searched["Vary"]
    assert "<html" not in html
    assert f'id="{partial_id}"' in html
    assert lamp in html
    assert box not in html
    assert box in filtered
    assert lamp not in filtered


@pytest.mark.django_db
@pytest.mark.parametrize("list_name", LISTS)
def test_htmx_restoring_a_filtered_list_from_history_gets_the_whole_page(owner_client, merchant, list_name):
    lamp, box = _lists(merchant)[list_name]
    route, _partial_id, search, _filter = LISTS[list_name]

    response = owner_client.get(
        reverse(route), {"search": search}, headers={**HX, "HX-History-Restore-Request": "true"}
    )

    html = response.content.decode()
    assert "<html" in html
    assert lamp in html
    assert box not in html


@pytest.mark.django_db
def test_the_sync_history_finds_runs_by_trigger_and_by_the_sku_or_cj_id_of_a_product_they_changed(
    owner_client, merchant
):
    lamp_run, box_run = _lists(merchant)["sync history"]
    box = Product.objects.get(name="Storage Box")
    url = reverse("inventory:syncs")

    manual = owner_client.get(url, {"trigger": SyncTrigger.MANUAL}, headers=HX).content.decode()
    by_sku = owner_client.get(url, {"search": box.sku.lower()}, headers=HX).content.decode()
    by_pid = owner_client.get(url, {"search": box.external_id}, headers=HX).content.decode()

    assert lamp_run in manual
    assert box_run not in manual
    assert box_run in by_sku
    assert lamp_run not in by_sku
    assert box_run in by_pid
    assert lamp_run not in by_pid


@pytest.mark.django_db
@pytest.mark.parametrize("list_name", LISTS)
def test_without_javascript_the_filter_form_submits_by_get_and_the_page_comes_back_filtered(
    owner_client, merchant, list_name
):
    lamp, box = _lists(merchant)[list_name]
    route, _partial_id, search, _filter = LISTS[list_name]

    page = owner_client.get(reverse(route)).content.decode()
    filtered = owner_client.get(reverse(route), {"search": search}).content.decode()

    form = re.search(r"<form[^>]*role=\"search\"[^>]*>(.*?)</form>", page, re.DOTALL)
    assert form is not None
    assert 'method="get"' in form.group(0)
    assert f'action="{reverse(route)}"' in form.group(0)
    assert '<noscript><button type="submit"' in form.group(1)  # with JavaScript the list follows the inputs
    assert "<html" in filtered
    assert f'value="{search}"' in filtered
    assert lamp in filtered
    assert box not in filtered


@pytest.mark.e2e
@pytest.mark.parametrize("list_name", LISTS)
def test_typing_in_a_lists_search_narrows_it_in_place(
    browser, live_server, client, transactional_db, merchant, owner, list_name
):
    _lists(merchant)
    route, partial_id, search, _filter = LISTS[list_name]
    context = browser.new_context(viewport=DESKTOP)
    log_in(context, live_server.url, client, owner)
    page = context.new_page()
    page.goto(f"{live_server.url}{reverse(route)}")
    rows = page.locator(f"#{partial_id} tbody tr")
    expect(rows).to_have_count(2)
    page.evaluate("window.__samePage = true")

    # fill: the text arrives in input events and no key is pressed, as when pasting or picking a phone
    # keyboard's suggestion.
    page.get_by_role("search").locator("input[name=search]").fill(search[:6])

    expect(rows).to_have_count(1)
    expect(page).to_have_url(f"{live_server.url}{reverse(route)}?search={search[:6]}")
    assert page.evaluate("window.__samePage === true"), "the page reloaded"
    context.close()


@pytest.mark.e2e
@pytest.mark.parametrize("list_name", LISTS)
def test_choosing_a_filter_narrows_the_list_in_place(
    browser, live_server, client, transactional_db, merchant, owner, list_name
):
    _lists(merchant)
    route, partial_id, _search, (field, value) = LISTS[list_name]
    context = browser.new_context(viewport=DESKTOP)
    log_in(context, live_server.url, client, owner)
    page = context.new_page()
    page.goto(f"{live_server.url}{reverse(route)}")
    rows = page.locator(f"#{partial_id} tbody tr")
    expect(rows).to_have_count(2)
    page.evaluate("window.__samePage = true")

    page.get_by_role("search").locator(f"select[name={field}]").select_option(value)

    expect(rows).to_have_count(1)
    assert f"{field}={value}" in page.url
    assert page.evaluate("window.__samePage === true"), "the page reloaded"
    context.close()
