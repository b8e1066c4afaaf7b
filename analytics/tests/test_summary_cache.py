"""The cached summary equals the one computed from the rollups, and every change it reads moves the version."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.models import F, Q, Sum, Value
from django.db.models.functions import Coalesce
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from analytics import actions
from analytics.actions import reports, versions
from analytics.actions.overview import period_figures
from analytics.models import RollupVersion
from inventory.models import Category, Product
from orders.models import Order
from tests.factories import CategoryFactory, ProductFactory

from .conftest import Item, cancel, make_order, refund

pytestmark = pytest.mark.django_db


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def period(start: str, end: str) -> actions.Period:
    return actions.Period(date.fromisoformat(start), date.fromisoformat(end))


def computed(merchant, within: actions.Period) -> dict:
    """The summary straight from the rollups, as before the cache."""
    return {
        "from": within.start.isoformat(),
        "to": within.end.isoformat(),
        "currency": merchant.currency,
        "timezone": merchant.timezone,
        **period_figures(merchant, within),
        "reorder": reports.reorder_suggestions(merchant),
    }


def version(merchant) -> int:
    return RollupVersion.objects.get(merchant=merchant).version


@pytest.fixture
def sales(merchant, box, lamp):
    """New York store: refunds (full and partial), a cancellation, orders on both edges of the period and
    one whose UTC day differs from its store day."""
    merchant.timezone = "America/New_York"
    merchant.save()
    orders = [
        make_order(merchant, [Item(box, 2, "10.00", "4.00"), Item(lamp, 1, "30.00", "12.00")], confirmed_at=at(t))
        for t in ("2026-03-01T05:30", "2026-03-10T12:00", "2026-03-31T23:59")
    ]
    orders.append(make_order(merchant, [Item(lamp, 3, "30.00", "12.00")], confirmed_at=at("2026-03-01T04:59")))
    orders.append(make_order(merchant, [Item(box, 5, "10.00", "4.00")], confirmed_at=at("2026-04-01T03:59")))
    refund(orders[1], "7.50")
    refund(orders[2])
    cancel(make_order(merchant, [Item(box, 9, "10.00", "4.00")], confirmed_at=at("2026-03-15T12:00")))
    for order_id in Order.objects.filter(merchant=merchant).values_list("pk", flat=True):
        actions.record_order(order_id)
    return orders


@pytest.mark.parametrize(
    ("start", "end"),
    [
        ("2026-03-01", "2026-03-31"),
        ("2026-02-28", "2026-02-28"),
        ("2026-03-31", "2026-03-31"),
        ("2026-03-02", "2026-04-06"),
    ],
)
def test_the_summary_equals_the_computed_one_when_read_again_from_the_cache(merchant, sales, start, end):
    within = period(start, end)

    first = actions.summary(merchant, within)
    again = actions.summary(merchant, within)

    assert first == computed(merchant, within)
    assert again == first


def test_the_fixture_ranks_refunds_cancellations_and_store_days_as_expected(merchant, sales, box, lamp):
    result = actions.summary(merchant, period("2026-03-01", "2026-03-31"))

    # In New York: 2026-03-01T04:59Z is still February; 2026-04-01T03:59Z is still March 31st.
    # Lamp: 3 orders × 30.00 (the fully refunded one keeps no revenue) less its pro-rata share of the 7.50 refund.
    by_name = {row["name"]: row for row in result["top_products"]}
    assert set(by_name) == {"Storage Box", "Desk Lamp"}
    assert by_name["Storage Box"]["units"] == 2 + 2 + 5
    assert by_name["Desk Lamp"]["units"] == 1 + 1
    assert [row["category"] for row in result["categories"]] == ["Home", "Uncategorised"]


def test_an_order_recorded_after_a_read_shows_in_the_next_summary(merchant, box, lamp):
    within = period("2026-03-01", "2026-03-31")
    actions.record_order(make_order(merchant, [Item(box, 1, "10.00", "4.00")], confirmed_at=at("2026-03-05T12:00")).pk)
    before = actions.summary(merchant, within)

    actions.record_order(make_order(merchant, [Item(lamp, 2, "30.00", "9.00")], confirmed_at=at("2026-03-06T12:00")).pk)
    after = actions.summary(merchant, within)

    assert [row["name"] for row in before["top_products"]] == ["Storage Box"]
    assert [row["name"] for row in after["top_products"]] == ["Desk Lamp", "Storage Box"]
    assert after == computed(merchant, within)


def test_a_refund_after_a_read_changes_the_ranking(merchant, box, lamp):
    within = period("2026-03-01", "2026-03-31")
    big = make_order(merchant, [Item(lamp, 1, "30.00", "9.00")], confirmed_at=at("2026-03-05T12:00"))
    actions.record_order(big.pk)
    actions.record_order(make_order(merchant, [Item(box, 2, "10.00", "4.00")], confirmed_at=at("2026-03-05T13:00")).pk)
    assert actions.summary(merchant, within)["top_products"][0]["name"] == "Desk Lamp"

    refund(big, "25.00")
    actions.record_order(big.pk)

    result = actions.summary(merchant, within)
    top = [(r["name"], r["revenue"]) for r in result["top_products"]]
    assert top == [("Storage Box", "20.00"), ("Desk Lamp", "5.00")]


def test_storefront_events_and_a_repeated_record_keep_the_version(merchant, box):
    order = make_order(merchant, [Item(box, 1, "10.00", "4.00")], confirmed_at=timezone.now() - timedelta(hours=5))
    actions.record_order(order.pk)
    kept = version(merchant)

    actions.record_storefront_events(merchant, [actions.StorefrontEvent(product_id=box.pk, type="view", count=4)])
    actions.record_order(order.pk)

    assert version(merchant) == kept


def test_a_shipment_shows_in_the_next_summarys_fulfillment_times(merchant, box):
    order = make_order(merchant, [Item(box, 1, "10.00", "4.00")], confirmed_at=at("2026-03-05T12:00"))
    actions.record_order(order.pk)
    within = period("2026-03-01", "2026-03-31")
    assert actions.summary(merchant, within)["fulfillment_hours"]["to_shipped"]["median"] is None

    order.shipped_at = order.confirmed_at + timedelta(hours=3)
    order.save()
    actions.record_order(order.pk)

    result = actions.summary(merchant, within)
    assert result["fulfillment_hours"]["to_shipped"]["median"] == 3.25
    assert result == computed(merchant, within)


def test_a_stock_snapshot_shows_in_the_next_summarys_turnover(merchant, box):
    order = make_order(merchant, [Item(box, 4, "10.00", "4.00")], confirmed_at=timezone.now() - timedelta(hours=1))
    actions.record_order(order.pk)
    within = actions.Period.ending(actions.store_today(merchant), 7)
    assert actions.summary(merchant, within)["turnover"] is None

    actions.snapshot_stock(merchant)

    result = actions.summary(merchant, within)
    assert result["turnover"] is not None
    assert result == computed(merchant, within)


def test_moving_a_product_to_another_category_moves_its_revenue_in_the_trends(merchant, sales, box):
    within = period("2026-03-01", "2026-03-31")
    actions.summary(merchant, within)

    box.category = CategoryFactory(merchant=merchant, name="Garden")
    box.save()

    result = actions.summary(merchant, within)
    assert {row["category"] for row in result["categories"]} == {"Garden", "Uncategorised"}
    assert result == computed(merchant, within)


def test_a_bulk_category_change_and_a_category_deletion_show_in_the_next_summary(merchant, sales, category, lamp):
    within = period("2026-03-01", "2026-03-31")
    actions.summary(merchant, within)

    Product.objects.filter(pk=lamp.pk).update(category=category)
    assert [row["category"] for row in actions.summary(merchant, within)["categories"]] == ["Home"]

    Category.objects.filter(pk=category.pk).delete()
    assert [row["category"] for row in actions.summary(merchant, within)["categories"]] == ["Uncategorised"]


def test_renaming_a_product_or_its_category_shows_in_the_next_summary(merchant, sales, box, category):
    within = period("2026-03-01", "2026-03-31")
    actions.summary(merchant, within)

    Product.objects.filter(pk=box.pk).update(name="Crate")
    Category.objects.filter(pk=category.pk).update(name="Living")

    result = actions.summary(merchant, within)
    assert "Crate" in {row["name"] for row in result["top_products"]}
    assert "Living" in {row["category"] for row in result["categories"]}


def test_a_deleted_product_leaves_the_top_products(merchant, sales, box):
    within = period("2026-03-01", "2026-03-31")
    actions.summary(merchant, within)

    box.delete()

    result = actions.summary(merchant, within)
    assert [row["name"] for row in result["top_products"]] == ["Desk Lamp"]
    assert result == computed(merchant, within)


def test_another_stores_changes_keep_this_stores_version(merchant, sales, other_merchant):
    kept = version(merchant)
    stranger = ProductFactory(merchant=other_merchant, name="Elsewhere")

    Product.objects.filter(pk=stranger.pk).update(name="Still elsewhere")
    stranger.delete()

    assert version(merchant) == kept


def test_a_rebuild_moves_the_version(merchant, sales):
    kept = version(merchant)

    call_command("rebuild_analytics", "--merchant", str(merchant.pk), stdout=StringIO())

    assert version(merchant) > kept


def test_a_second_read_reads_no_rollups_but_the_bounded_reorder(merchant, box, lamp):
    now = timezone.now()
    Product.objects.filter(pk=box.pk).update(stock_quantity=1)
    for hours in (5, 30, 60):
        order = make_order(merchant, [Item(box, 3, "10.00", "4.00")], confirmed_at=now - timedelta(hours=hours))
        actions.record_order(order.pk)
    within = actions.Period.ending(actions.store_today(merchant), 30)
    actions.summary(merchant, within)

    with CaptureQueriesContext(connection) as queries:
        result = actions.summary(merchant, within)

    assert not [q for q in queries.captured_queries if "analytics_merchantday" in q["sql"]]
    assert not [q for q in queries.captured_queries if "analytics_productday" in q["sql"]]
    # The reorder list reads the 28-day product windows (analytics.actions.windows), bounded by stock.
    reads = [q["sql"] for q in queries.captured_queries if "analytics_productwindow" in q["sql"]]
    assert len(reads) == 1
    assert '"inventory_product"."stock_quantity" <' in reads[0]
    assert result["reorder"] == reports.reorder_suggestions(merchant) != []


def test_the_summary_is_computed_when_the_cache_fails(merchant, sales, monkeypatch):
    within = period("2026-03-01", "2026-03-31")

    def broken(*args, **kwargs):
        raise ConnectionError("cache down")

    monkeypatch.setattr(versions.cache, "get", broken)
    monkeypatch.setattr(versions.cache, "set", broken)

    assert actions.summary(merchant, within) == computed(merchant, within)


@pytest.mark.parametrize("stock", [-2, 0, 1, 2, 3, 4, 5, 7, 8, 50])
def test_the_reorder_bound_keeps_every_product_the_full_query_suggests(merchant, stock):
    today = actions.store_today(merchant)
    now = timezone.now()
    products = [ProductFactory(merchant=merchant, name=f"P{n}", stock_quantity=stock + n % 3) for n in range(6)]
    for n, product in enumerate(products):
        for day in range(n + 1):
            confirmed = now - timedelta(days=day, hours=1)
            order = make_order(merchant, [Item(product, 1 + n, "10.00", "4.00")], confirmed_at=confirmed)
            actions.record_order(order.pk)

    peak = reports.recent_units_peak(merchant, today)
    bounded = reports.reorder_suggestions(merchant, today=today, stock_below=reports.reorder_stock_bound(peak))

    assert peak == 6 * 6
    assert bounded == reports.reorder_suggestions(merchant, today=today)


@pytest.mark.parametrize("peak", [1, 3, 4, 5, 27, 28, 29, 100])
def test_the_reorder_bound_is_the_least_stock_that_covers_a_week_at_the_peak_pace(peak):
    bound = reports.reorder_stock_bound(peak)

    assert bound * reports.REORDER_WINDOW_DAYS / peak >= reports.REORDER_UNDER_DAYS
    assert (bound - 1) * reports.REORDER_WINDOW_DAYS / peak < reports.REORDER_UNDER_DAYS


def test_a_rating_shows_in_the_next_summarys_satisfaction(merchant, box):
    order = make_order(
        merchant,
        [Item(box, 1, "10.00", "4.00")],
        confirmed_at=timezone.now() - timedelta(days=3),
        shipped_after=timedelta(days=1),
        delivered_after=timedelta(days=1),
    )
    actions.record_order(order.pk)
    within = actions.Period.ending(actions.store_today(merchant), 7)
    assert actions.summary(merchant, within)["satisfaction"] == {"average": None, "count": 0}

    actions.rate_order(actions.rating_token(order), 4)

    result = actions.summary(merchant, within)
    assert result["satisfaction"] == {"average": 4.0, "count": 1}
    assert result == computed(merchant, within)


def category_trends_joined_per_day(merchant, within: actions.Period) -> list[dict]:
    """The trends as first written: every product day joined to its product and category, summed per name."""
    week, month = actions.Period.ending(within.end, 7), actions.Period.ending(within.end, 30)
    windows = {"period": within, "week": week, "last_week": week.previous(), "month": month}
    windows["last_month"] = month.previous()
    earliest = min(w.start for w in windows.values())
    sums = {
        name: Coalesce(Sum("revenue", filter=Q(day__range=(w.start, w.end))), Value(reports.ZERO))
        for name, w in windows.items()
    }
    rows = (
        reports.product_days(merchant, actions.Period(earliest, within.end))
        .filter(lines__gt=0)
        .values(category=Coalesce(F("product__category__name"), Value("Uncategorised")))
        .annotate(**sums)
        .order_by("-period", "category")
    )
    return [
        {
            "category": row["category"],
            "revenue": reports.money(row["period"]),
            "change_wow": reports.change(row["week"], row["last_week"]),
            "change_mom": reports.change(row["month"], row["last_month"]),
        }
        for row in rows
        if row["period"] or row["week"] or row["month"]
    ]


@pytest.mark.parametrize(
    ("start", "end"),
    [
        ("2026-03-01", "2026-03-31"),
        ("2026-03-25", "2026-03-31"),
        ("2026-03-31", "2026-03-31"),
        ("2026-04-01", "2026-04-20"),
        ("2026-02-01", "2026-02-28"),
        ("2025-04-01", "2026-03-31"),
    ],
)
def test_category_trends_sum_per_product_first_with_the_same_figures_and_order(merchant, sales, start, end):
    # Ties and names whose order depends on the database's collation: "apple" and "Banana" sell the same.
    for name in ("apple", "Banana"):
        product = ProductFactory(
            merchant=merchant, name=f"{name} thing", category=CategoryFactory(merchant=merchant, name=name)
        )
        for confirmed in ("2026-03-03T15:00", "2026-03-29T15:00"):
            actions.record_order(
                make_order(merchant, [Item(product, 1, "12.00", "5.00")], confirmed_at=at(confirmed)).pk
            )
    within = period(start, end)

    trends = reports.category_trends(merchant, within)

    assert trends == category_trends_joined_per_day(merchant, within)
    assert trends != []


def test_the_reorder_api_lists_what_the_unbounded_query_suggests_past_the_summarys_twenty(merchant):
    now = timezone.now()
    for n in range(25):
        product = ProductFactory(merchant=merchant, name=f"P{n:02}", stock_quantity=n % 4)
        order = make_order(merchant, [Item(product, 10 + n, "10.00", "4.00")], confirmed_at=now - timedelta(hours=1))
        actions.record_order(order.pk)
    ProductFactory(merchant=merchant, name="Plenty", stock_quantity=500)

    listed = actions.reorder_list(merchant, limit=200)

    assert len(listed) == 25
    assert listed == reports.reorder_suggestions(merchant, limit=200)
    assert listed[:20] == actions.summary(merchant, actions.Period.ending(actions.store_today(merchant), 30))["reorder"]
