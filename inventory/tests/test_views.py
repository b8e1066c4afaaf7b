from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils import timezone

from inventory import actions
from inventory.choices import ChangeStatus, SyncStatus, SyncTrigger
from inventory.models import Product, StockAlert, SyncChange, SyncRun
from tests.factories import ProductFactory

HX = {"HTTP_HX_REQUEST": "true"}


def test_the_catalog_page_lists_products_with_stock_badges(owner_client, merchant):
    ProductFactory(merchant=merchant, name="Steel Pan", stock_quantity=50)
    ProductFactory(merchant=merchant, name="Glass Jar", stock_quantity=2)

    response = owner_client.get("/inventory/")

    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" in html
    assert "Steel Pan" in html
    assert "badge-in_stock" in html
    assert "badge-low" in html
    assert "HX-Request" in response["Vary"]


def test_an_htmx_table_request_gets_only_the_filtered_table(owner_client, merchant):
    ProductFactory(merchant=merchant, name="Steel Pan", stock_quantity=50)
    ProductFactory(merchant=merchant, name="Glass Jar", stock_quantity=0)

    response = owner_client.get("/inventory/?partial=table&stock=out", **HX)

    html = response.content.decode()
    assert "<html" not in html
    assert 'id="product-table"' in html
    assert "Glass Jar" in html
    assert "Steel Pan" not in html


def test_an_empty_catalog_shows_the_empty_state(owner_client):
    response = owner_client.get("/inventory/")

    assert "Your catalog is empty." in response.content.decode()


def test_the_progress_partial_polls_while_a_sync_runs(owner_client, merchant):
    SyncRun.objects.create(merchant=merchant, status="running", total=10, processed=4)

    html = owner_client.get("/inventory/?partial=progress", **HX).content.decode()

    assert 'hx-trigger="every 2s' in html
    assert 'value="40"' in html
    assert "<html" not in html


def test_the_progress_partial_tells_the_page_to_reload_once_the_run_ends(owner_client, merchant):
    SyncRun.objects.create(merchant=merchant, status="succeeded", total=10, processed=10)

    response = owner_client.get("/inventory/?partial=progress&was=active", **HX)

    assert response["HX-Trigger"] == "inventory-synced"
    assert "every 2s" not in response.content.decode()


def test_sync_now_starts_a_sync_and_answers_the_progress_partial(owner_client, merchant):
    response = owner_client.post("/inventory/sync/", **HX)

    run = SyncRun.objects.get()
    assert (run.trigger, run.is_full) == (SyncTrigger.MANUAL, True)
    assert 'id="sync-progress"' in response.content.decode()


def test_a_viewer_cannot_start_a_sync(viewer_client):
    assert viewer_client.post("/inventory/sync/").status_code == 403
    assert not SyncRun.objects.exists()


def test_inline_price_edit_saves_and_locks_the_price(owner_client, merchant):
    product = ProductFactory(merchant=merchant)

    editor = owner_client.get(f"/inventory/products/{product.pk}/price/?edit=1", **HX).content.decode()
    response = owner_client.post(
        f"/inventory/products/{product.pk}/price/", {"price": "9.90", "price_locked": "on"}, **HX
    )

    assert 'name="price"' in editor
    product.refresh_from_db()
    assert (product.price, product.price_locked) == (Decimal("9.90"), True)
    assert "locked" in response.content.decode()


def test_inline_price_edit_shows_the_error_beside_the_field(owner_client, merchant):
    product = ProductFactory(merchant=merchant)

    response = owner_client.post(f"/inventory/products/{product.pk}/price/", {"price": "-3"}, **HX)

    assert "errorlist" in response.content.decode()
    assert Product.objects.get(pk=product.pk).price == Decimal("5.60")


def test_another_merchants_product_is_404_on_the_dashboard(owner_client, other_merchant):
    theirs = ProductFactory(merchant=other_merchant)

    assert owner_client.get(f"/inventory/products/{theirs.pk}/price/?edit=1").status_code == 404


@pytest.mark.parametrize(
    ("action", "extra", "check"),
    [
        ("deactivate", {}, lambda p: p.is_active is False),
        ("set_markup", {"markup_type": "fixed", "markup_value": "1"}, lambda p: p.price == Decimal("5.00")),
        ("add_tags", {"value": "gift, sale"}, lambda p: {t.name for t in p.tags.all()} == {"gift", "sale"}),
    ],
)
def test_bulk_actions_apply_to_the_selected_products(owner_client, merchant, action, extra, check):
    chosen = ProductFactory(merchant=merchant)
    other = ProductFactory(merchant=merchant)

    owner_client.post("/inventory/bulk/", {"action": action, "selected": [str(chosen.pk)], **extra})

    assert check(Product.objects.get(pk=chosen.pk))
    assert not check(Product.objects.get(pk=other.pk))


def test_bulk_set_category_needs_a_known_category(owner_client, merchant):
    product = ProductFactory(merchant=merchant)

    response = owner_client.post(
        "/inventory/bulk/", {"action": "set_category", "selected": [str(product.pk)], "value": "Nope"}, follow=True
    )

    assert "Unknown category" in response.content.decode()


def test_history_and_run_detail_show_the_changes(owner_client, merchant, catalog, fake_supplier):
    fake_supplier.stock["PID-1-V1"] = 2
    run = actions.start_sync(merchant, SyncTrigger.MANUAL, run_now=True)

    history = owner_client.get("/inventory/syncs/").content.decode()
    detail = owner_client.get(f"/inventory/syncs/{run.pk}/").content.decode()

    assert f"/inventory/syncs/{run.pk}/" in history
    assert "20 → 2" in detail


def test_the_review_page_approves_a_held_change(owner_client, merchant, catalog, fake_supplier):
    fake_supplier.set_cost("PID-1", "8.00")
    actions.start_sync(merchant, SyncTrigger.MANUAL, run_now=True)
    held = SyncChange.objects.get(status=ChangeStatus.HELD)

    page = owner_client.get("/inventory/changes/").content.decode()
    owner_client.post(f"/inventory/changes/{held.pk}/approve/")

    assert "4.00 → 8.00" in page
    assert SyncChange.objects.get(pk=held.pk).status == ChangeStatus.APPLIED


def test_the_alerts_panel_lists_open_alerts(owner_client, merchant):
    product = ProductFactory(merchant=merchant, name="Glass Jar", stock_quantity=0)
    StockAlert.objects.create(merchant=merchant, product=product, kind="out_of_stock")

    html = owner_client.get("/inventory/?partial=alerts", **HX).content.decode()

    assert "Glass Jar" in html
    assert "<html" not in html


def test_the_settings_page_saves_settings_and_schedules(owner_client, merchant):
    response = owner_client.post(
        "/inventory/settings/",
        {
            "intent": "settings",
            "low_stock_threshold": "7",
            "sync_frequency": "hourly",
            "out_of_stock_action": "keep_visible",
            "price_guardrail_percent": "25",
            "ship_from_countries": "us, cn",
        },
    )

    assert response.status_code == 302
    saved = actions.get_inventory_settings(merchant)
    assert (saved.low_stock_threshold, saved.sync_frequency, saved.ship_from_countries) == (7, "hourly", ["CN", "US"])


def test_the_settings_page_offers_only_the_frequencies_of_the_plan(owner_client, merchant):
    merchant.plan = "free"
    merchant.save()

    html = owner_client.get("/inventory/settings/").content.decode()

    assert 'value="daily"' in html
    assert 'value="hourly"' not in html


def test_the_pricing_preview_is_an_htmx_partial_and_saves_nothing(owner_client, merchant):
    product = ProductFactory(merchant=merchant, markup={})

    response = owner_client.post(
        "/inventory/settings/",
        {"intent": "preview", "markup_type": "fixed", "markup_value": "10", "minimum_profit": "0"},
        **HX,
    )

    html = response.content.decode()
    assert "1 price would change" in html
    assert "14.00" in html
    assert Product.objects.get(pk=product.pk).price == Decimal("5.60")


@pytest.mark.django_db(transaction=True)
def test_sync_now_that_finished_at_once_tells_the_page_to_reload(owner_client, merchant, catalog, eager_tasks):
    response = owner_client.post("/inventory/sync/", **HX)

    assert SyncRun.objects.get().status == "succeeded"
    assert response["HX-Trigger"] == "inventory-synced"


def test_the_catalog_page_query_count_does_not_grow_with_rows(owner_client, merchant, django_assert_max_num_queries):
    products = [ProductFactory(merchant=merchant) for _ in range(25)]

    with django_assert_max_num_queries(20):
        response = owner_client.get("/inventory/")

    html = response.content.decode()
    assert response.status_code == 200
    assert all(f"/inventory/products/{product.pk}/price/" in html for product in products)


def test_bulk_actions_go_back_only_to_pages_of_this_site(owner_client, merchant):
    product = ProductFactory(merchant=merchant)
    body = {"action": "activate", "selected": [str(product.pk)]}
    away = owner_client.post("/inventory/bulk/", {**body, "next": "https://evil.example/"})
    assert away["Location"] == "/inventory/"
    back = owner_client.post("/inventory/bulk/", {**body, "next": "/inventory/?stock=low"})
    assert back["Location"] == "/inventory/?stock=low"


def test_a_bulk_action_with_a_malformed_product_id_is_an_error_message_not_a_crash(owner_client, merchant):
    response = owner_client.post("/inventory/bulk/", {"action": "activate", "selected": ["not-a-uuid"]}, follow=True)
    assert response.status_code == 200
    assert "not-a-uuid is not one of the available choices" in response.content.decode()
    assert not Product.objects.exists()


def test_editing_a_product_keeps_stock_that_moved_since_it_was_read(merchant):
    product = ProductFactory(merchant=merchant, stock_quantity=10)
    stale = Product.objects.get(pk=product.pk)
    Product.objects.filter(pk=product.pk).update(stock_quantity=3)  # a sync or an order meanwhile
    actions.update_product(stale, name="Renamed", price=Decimal("9.99"))
    product.refresh_from_db()
    assert (product.name, product.price, product.stock_quantity) == ("Renamed", Decimal("9.99"), 3)


def test_a_product_row_shows_the_last_full_sync_that_confirmed_it_on_the_page_and_after_a_price_edit(
    owner_client, merchant
):
    product = ProductFactory(merchant=merchant, last_sync_at=None)
    finished = timezone.now() - timezone.timedelta(hours=3)
    SyncRun.objects.create(
        merchant=merchant, trigger=SyncTrigger.MANUAL, is_full=True, status=SyncStatus.SUCCEEDED, finished_at=finished
    )
    SyncRun.objects.create(merchant=merchant, trigger=SyncTrigger.MANUAL, is_full=True, status=SyncStatus.FAILED)

    assert [row.synced_at for row in actions.catalog_rows(merchant, [product], 5)] == [finished]
    page = owner_client.get("/inventory/").content.decode()
    edited = owner_client.post(f"/inventory/products/{product.pk}/price/", {"price": "9.90"}, **HX).content.decode()
    assert "3\xa0hours ago" in page
    assert "3\xa0hours ago" in edited
