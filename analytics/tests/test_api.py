"""The analytics API: summary, products (sorted, cursor pages), CSV export, storefront events; roles and tenancy."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from django.utils import timezone

from analytics import actions
from analytics.models import ProductDay
from tests.factories import ProductFactory

from .conftest import Item, make_order

pytestmark = pytest.mark.django_db


@pytest.fixture
def sales(merchant, box, lamp):
    """Yesterday: 3 boxes (36.00, margin 23.25) and 1 lamp (20.00, margin 12.00)."""
    yesterday = timezone.now() - timedelta(days=1)
    for order in (
        make_order(merchant, [Item(box, 2, "12.00", "4.25"), Item(lamp, 1, "20.00", "8.00")], confirmed_at=yesterday),
        make_order(merchant, [Item(box, 1, "12.00", "4.25")], confirmed_at=yesterday),
    ):
        actions.record_order(order.pk)


def test_the_summary_has_the_documented_shape_with_money_as_decimal_strings(api, sales):
    response = api.get("/api/analytics/summary")

    assert response.status_code == 200
    body = response.json()
    assert set(body) >= {
        "from", "to", "currency", "orders", "units", "revenue", "cost", "margin", "commission",
        "fulfillment_hours", "turnover", "top_products", "reorder", "categories",
    }  # fmt: skip
    assert (body["currency"], body["orders"], body["units"], body["revenue"]) == ("USD", 2, 4, "56.00")
    assert body["commission"] == {"client": "16.80", "platform": "39.20"}
    assert set(body["fulfillment_hours"]) == {"to_confirmed", "to_shipped", "to_delivered"}
    assert body["top_products"][0]["name"] == "Storage Box"
    assert set(body["categories"][0]) == {"category", "revenue", "change_wow", "change_mom"}


def test_a_viewer_reads_the_summary_and_another_store_sees_nothing(viewer_api, other_api, sales):
    assert viewer_api.get("/api/analytics/summary/").json()["orders"] == 2

    other = other_api.get("/api/analytics/summary").json()
    assert (other["orders"], other["revenue"], other["top_products"]) == (0, "0.00", [])
    assert other_api.get("/api/analytics/products").json()["results"] == []


def test_a_period_that_ends_before_it_starts_is_a_400_naming_from(api):
    response = api.get("/api/analytics/summary", {"from": "2026-03-10", "to": "2026-03-01"})

    assert response.status_code == 400
    assert response.json()["errors"][0]["attr"] == "from"


def test_a_malformed_date_is_a_400_naming_the_field(api):
    response = api.get("/api/analytics/summary", {"to": "yesterday"})

    assert response.status_code == 400
    assert response.json()["errors"][0]["attr"] == "to"


def test_the_summary_counts_days_in_the_store_time_zone(api, merchant, box):
    merchant.timezone = "Pacific/Auckland"
    merchant.save()
    moment = timezone.now().replace(hour=13, minute=0, second=0, microsecond=0) - timedelta(
        days=3
    )  # 01:00 or 02:00 next day
    actions.record_order(make_order(merchant, [Item(box, 1, "10.00", "4.00")], confirmed_at=moment).pk)
    store_day = actions.store_day(merchant, moment)

    on_day = api.get("/api/analytics/summary", {"from": store_day, "to": store_day}).json()
    utc_day = api.get("/api/analytics/summary", {"from": moment.date(), "to": moment.date()}).json()

    assert store_day == moment.date() + timedelta(days=1)
    assert (on_day["orders"], utc_day["orders"]) == (1, 0)


@pytest.mark.parametrize(("ordering", "first"), [("revenue", "Storage Box"), ("units", "Storage Box")])
def test_products_are_sorted_by_the_chosen_figure(api, sales, ordering, first):
    results = api.get("/api/analytics/products", {"ordering": ordering}).json()["results"]

    assert results[0]["name"] == first
    assert [r["name"] for r in results] == ["Storage Box", "Desk Lamp"]


def test_products_sorted_by_margin_put_the_best_margin_first(api, merchant, box, lamp):
    yesterday = timezone.now() - timedelta(days=1)
    actions.record_order(make_order(merchant, [Item(box, 10, "5.00", "4.90")], confirmed_at=yesterday).pk)
    actions.record_order(make_order(merchant, [Item(lamp, 1, "20.00", "2.00")], confirmed_at=yesterday).pk)

    by_revenue = [r["name"] for r in api.get("/api/analytics/products").json()["results"]]
    by_margin = [r["name"] for r in api.get("/api/analytics/products", {"ordering": "margin"}).json()["results"]]

    assert by_revenue == ["Storage Box", "Desk Lamp"]
    assert by_margin == ["Desk Lamp", "Storage Box"]


def test_an_unknown_ordering_is_a_400_naming_ordering(api):
    response = api.get("/api/analytics/products", {"ordering": "price"})

    assert response.status_code == 400
    assert response.json()["errors"][0]["attr"] == "ordering"


def test_product_pages_follow_the_cursor_without_repeats(api, merchant):
    yesterday = timezone.now() - timedelta(days=1)
    for i in range(5):
        product = ProductFactory(merchant=merchant, name=f"P{i}")
        order = make_order(merchant, [Item(product, 1, f"{10 + i}.00", "1.00")], confirmed_at=yesterday)
        actions.record_order(order.pk)

    names, url = [], "/api/analytics/products?page_size=2"
    while url:
        page = api.get(url).json()
        names += [r["name"] for r in page["results"]]
        url = page["next"]

    assert names == ["P4", "P3", "P2", "P1", "P0"]


def test_a_product_row_carries_conversion_from_storefront_views(api, merchant, sales, box):
    api.post("/api/analytics/events", {"events": [{"product_id": str(box.pk), "type": "view", "count": 8}]})

    row = next(r for r in api.get("/api/analytics/products").json()["results"] if r["name"] == "Storage Box")

    assert (row["orders"], row["views"], row["conversion"]) == (2, 8, 0.25)


def test_the_export_is_csv_with_the_same_figures(api, sales):
    response = api.get("/api/analytics/export")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    products = api.get("/api/analytics/products").json()["results"]
    assert [(r["name"], r["units"], r["revenue"], r["margin"]) for r in rows] == [
        (p["name"], str(p["units"]), p["revenue"], p["margin"]) for p in products
    ]
    assert rows[0]["currency"] == "USD"


def test_storefront_events_are_counted_per_product_and_day(api, merchant, box, lamp):
    response = api.post(
        "/api/analytics/events",
        {
            "events": [
                {"product_id": str(box.pk), "type": "view"},
                {"product_id": str(box.pk), "type": "view", "count": 4},
                {"product_id": str(box.pk), "type": "add_to_cart"},
                {"product_id": str(lamp.pk), "type": "click", "at": (timezone.now() - timedelta(days=2)).isoformat()},
            ]
        },
    )

    assert response.status_code == 202
    assert response.json() == {"accepted": 7}
    row = ProductDay.objects.get(product=box)
    assert (row.views, row.clicks, row.add_to_carts) == (5, 0, 1)
    assert ProductDay.objects.get(product=lamp).day == actions.store_today(merchant) - timedelta(days=2)


def test_an_event_for_another_stores_product_is_a_400_and_nothing_is_counted(api, other_merchant, box):
    foreign = ProductFactory(merchant=other_merchant)

    response = api.post(
        "/api/analytics/events",
        {"events": [{"product_id": str(box.pk), "type": "view"}, {"product_id": str(foreign.pk), "type": "view"}]},
    )

    assert response.status_code == 400
    assert response.json()["errors"][0]["attr"] == "events.1.product_id"
    assert not ProductDay.objects.exists()


@pytest.mark.parametrize(
    ("event", "attr"),
    [
        ({"type": "view"}, "events.0.product_id"),
        ({"type": "purchase"}, "events.0.type"),
        ({"type": "view", "count": 0}, "events.0.count"),
        ({"type": "view", "colour": "red"}, "events.0.colour"),
    ],
)
def test_a_malformed_event_is_a_400_naming_its_field(api, box, event, attr):
    body = {"events": [{"product_id": str(box.pk), **event}]}
    if attr == "events.0.product_id":
        del body["events"][0]["product_id"]

    response = api.post("/api/analytics/events", body, format="json")

    assert response.status_code == 400
    assert attr in [e["attr"] for e in response.json()["errors"]]
    assert not ProductDay.objects.exists()


def test_viewers_cannot_send_events(viewer_api, box):
    response = viewer_api.post("/api/analytics/events", {"events": [{"product_id": str(box.pk), "type": "view"}]})

    assert response.status_code == 403


def test_events_beyond_the_rate_limit_get_429_with_retry_after(api, box, settings):
    from rest_framework.throttling import ScopedRateThrottle

    rates = {**ScopedRateThrottle.THROTTLE_RATES, "analytics_events": "2/minute"}
    body = {"events": [{"product_id": str(box.pk), "type": "view"}]}
    original = ScopedRateThrottle.THROTTLE_RATES
    ScopedRateThrottle.THROTTLE_RATES = rates
    try:
        statuses = [api.post("/api/analytics/events", body).status_code for _ in range(3)]
        last = api.post("/api/analytics/events", body)
    finally:
        ScopedRateThrottle.THROTTLE_RATES = original

    assert statuses == [202, 202, 429]
    assert last.status_code == 429
    assert "Retry-After" in last
    assert ProductDay.objects.get(product=box).views == 2


def test_the_seasonal_view_gives_units_per_week_for_a_category(api, merchant, sales, category):
    weeks = api.get("/api/analytics/seasonal", {"category": category.name}).json()["weeks"]

    assert len(weeks) in (52, 53)
    assert sum(w["units"] for w in weeks) == 3


def test_the_seasonal_view_needs_a_product_or_a_category(api):
    response = api.get("/api/analytics/seasonal")

    assert response.status_code == 400
    assert response.json()["errors"][0]["attr"] == "product_id"


def test_anonymous_requests_are_refused(client):
    assert client.get("/api/analytics/summary").status_code == 401


def test_a_product_row_carries_turnover_from_its_end_of_day_stock(api, merchant, box):
    yesterday = actions.store_today(merchant) - timedelta(days=1)
    box.stock_quantity = 12
    box.save()
    actions.snapshot_stock(merchant, yesterday)
    actions.record_order(make_order(merchant, [Item(box, 3, "10.00", "4.00")], confirmed_at=timezone.now()).pk)

    row = api.get("/api/analytics/products").json()["results"][0]

    assert row["turnover"] == 0.25  # 3 units ÷ 12 average stock
