"""Rollup arithmetic on fixed orders: time zones, refunds, cancellations, period edges, rebuilds."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from analytics import actions
from analytics.actions.facts import allocate, bucket_of, percentile
from analytics.models import ORDER_FIGURES, MerchantDay, ProductDay
from orders.models import CommissionEntry

from .conftest import Item, cancel, make_order, refund

pytestmark = pytest.mark.django_db

D = Decimal


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def summary(merchant, start: str, end: str) -> dict:
    return actions.summary(merchant, actions.Period(date.fromisoformat(start), date.fromisoformat(end)))


def test_an_empty_period_reports_zeros_and_no_times(merchant):
    result = summary(merchant, "2026-03-01", "2026-03-31")

    assert (result["orders"], result["units"], result["revenue"], result["margin"]) == (0, 0, "0.00", "0.00")
    assert result["commission"] == {"client": "0.00", "platform": "0.00"}
    assert result["fulfillment_hours"]["to_confirmed"] == {"median": None, "p90": None}
    assert result["turnover"] is None
    assert result["top_products"] == []
    assert result["categories"] == []
    assert len(result["series"]) == 31


def test_an_order_counts_on_the_store_day_it_was_confirmed_in_the_store_time_zone(merchant, box):
    merchant.timezone = "America/New_York"
    merchant.save()
    # 03:30 UTC on the 10th is 23:30 on the 9th in New York.
    order = make_order(merchant, [Item(box, 2, "10.00", "4.00")], confirmed_at=at("2026-03-10T03:30"))

    actions.record_order(order.pk)

    assert summary(merchant, "2026-03-09", "2026-03-09")["orders"] == 1
    assert summary(merchant, "2026-03-10", "2026-03-10")["orders"] == 0


def test_an_order_created_before_midnight_and_confirmed_after_counts_on_the_confirmation_day(merchant, box):
    order = make_order(
        merchant,
        [Item(box, 1, "10.00", "4.00")],
        created_at=at("2026-03-09T23:00"),
        confirmed_at=at("2026-03-10T01:00"),
    )

    actions.record_order(order.pk)

    assert summary(merchant, "2026-03-09", "2026-03-09")["orders"] == 0
    day = summary(merchant, "2026-03-10", "2026-03-10")
    assert day["orders"] == 1
    assert day["fulfillment_hours"]["to_confirmed"]["median"] == pytest.approx(2.25)  # the 2–2.5 h bucket


def test_revenue_cost_margin_and_commission_of_plain_orders(merchant, box, lamp):
    first = make_order(
        merchant,
        [Item(box, 2, "12.00", "4.25"), Item(lamp, 1, "20.00", "8.00")],
        confirmed_at=at("2026-03-02T10:00"),
        shipping="5.50",
    )
    second = make_order(merchant, [Item(box, 1, "12.00", "4.25")], confirmed_at=at("2026-03-03T10:00"))
    for order in (first, second):
        actions.record_order(order.pk)

    result = summary(merchant, "2026-03-01", "2026-03-31")

    assert (result["orders"], result["units"]) == (2, 4)
    assert result["revenue"] == "61.50"  # 49.50 + 12.00
    assert result["cost"] == "26.25"  # 8.50 + 8.00 + 5.50 postage + 4.25
    assert result["margin"] == "35.25"
    assert result["commission"] == {"client": "18.45", "platform": "43.05"}
    assert result["top_products"][0] == {
        "product_id": str(box.pk),
        "name": "Storage Box",
        "units": 3,
        "revenue": "39.00",  # 24/44 of the first order's 49.50, and 12.00
        "margin": "23.25",  # 39.00 - (8.50 + 24/44 of 5.50 postage + 4.25)
    }


def test_a_partial_refund_lowers_revenue_and_commission_but_the_order_still_counts(merchant, box):
    order = make_order(merchant, [Item(box, 2, "10.00", "4.00")], confirmed_at=at("2026-03-02T10:00"))
    actions.record_order(order.pk)

    refund(order, "5.05")
    actions.record_order(order.pk)

    result = summary(merchant, "2026-03-01", "2026-03-31")
    assert (result["orders"], result["units"], result["revenue"], result["refunds"]) == (1, 2, "14.95", "5.05")
    assert result["commission"] == {"client": "4.48", "platform": "10.47"}  # 6.00-1.52, 14.00-3.53


def test_a_fully_refunded_order_counts_no_order_or_revenue_but_keeps_its_cost(merchant, box):
    order = make_order(merchant, [Item(box, 2, "10.00", "4.00")], confirmed_at=at("2026-03-02T10:00"))
    refund(order, "5.00")
    refund(order)

    actions.record_order(order.pk)

    result = summary(merchant, "2026-03-01", "2026-03-31")
    assert (result["orders"], result["units"], result["revenue"], result["refunds"]) == (0, 0, "0.00", "20.00")
    assert (result["cost"], result["margin"]) == ("8.00", "-8.00")
    assert result["commission"] == {"client": "0.00", "platform": "0.00"}


def test_a_cancelled_order_counts_nothing_even_after_it_was_counted(merchant, box):
    order = make_order(merchant, [Item(box, 2, "10.00", "4.00")], confirmed_at=at("2026-03-02T10:00"))
    actions.record_order(order.pk)

    cancel(order)
    actions.record_order(order.pk)

    result = summary(merchant, "2026-03-01", "2026-03-31")
    assert (result["orders"], result["units"], result["revenue"], result["cost"]) == (0, 0, "0.00", "0.00")
    assert result["commission"] == {"client": "0.00", "platform": "0.00"}
    assert result["top_products"] == []


def test_the_period_includes_its_first_and_last_days_and_nothing_outside(merchant, box):
    for moment in ("2026-02-28T23:59:59", "2026-03-01T00:00", "2026-03-31T23:59:59", "2026-04-01T00:00"):
        actions.record_order(make_order(merchant, [Item(box, 1, "10.00", "4.00")], confirmed_at=at(moment)).pk)

    result = summary(merchant, "2026-03-01", "2026-03-31")

    assert (result["orders"], result["revenue"]) == (2, "20.00")
    assert [p["orders"] for p in result["series"] if p["orders"]] == [1, 1]


def test_recording_an_order_twice_changes_nothing(merchant, box):
    order = make_order(merchant, [Item(box, 2, "10.00", "4.00")], confirmed_at=at("2026-03-02T10:00"))

    actions.record_order(order.pk)
    actions.record_order(order.pk)

    assert summary(merchant, "2026-03-01", "2026-03-31")["revenue"] == "20.00"
    assert ProductDay.objects.get(product=box).units == 2


def test_fulfillment_medians_and_90th_percentiles_per_stage(merchant, box):
    for hours in (1, 2, 3, 4, 5, 6, 7, 8, 9, 30):
        order = make_order(
            merchant,
            [Item(box, 1, "10.00", "4.00")],
            created_at=at("2026-03-02T00:00"),
            confirmed_at=at("2026-03-02T00:00") + timedelta(hours=hours / 4),
            shipped_after=timedelta(hours=hours),
            delivered_after=timedelta(days=hours),
        )
        actions.record_order(order.pk)

    times = summary(merchant, "2026-03-01", "2026-03-31")["fulfillment_hours"]

    assert times["to_confirmed"] == {"median": 1.25, "p90": 2.25}  # 1.25 h and 2.25 h fall in 1–1.5 and 2–2.5
    assert times["to_shipped"] == {"median": 5.25, "p90": 9.0}  # 5 h → 5–5.5; 9 h → 8–10
    assert times["to_delivered"] == {"median": 126.0, "p90": 222.0}  # 120 h → 120–132; 216 h → 216–228


def test_inventory_turnover_is_units_over_average_end_of_day_stock(merchant, box):
    for day, stock in ((date(2026, 3, 1), 10), (date(2026, 3, 2), 30)):
        box.stock_quantity = stock
        box.save()
        actions.snapshot_stock(merchant, day)
    actions.record_order(make_order(merchant, [Item(box, 5, "10.00", "4.00")], confirmed_at=at("2026-03-02T10:00")).pk)

    assert summary(merchant, "2026-03-01", "2026-03-02")["turnover"] == 0.25  # 5 units ÷ 20 average


def test_commission_matches_the_ledger_to_the_cent(merchant, box, lamp):
    orders = []
    for i, price in enumerate(("19.99", "0.05", "33.33", "7.77", "101.01")):
        order = make_order(
            merchant,
            [Item(box, i + 1, price, "1.00"), Item(lamp, 1, "3.33", "1.00")],
            confirmed_at=at("2026-03-05T10:00"),
            shipping="1.11",
        )
        orders.append(order)
    refund(orders[0], "0.07")
    refund(orders[2], "13.13")
    cancel(orders[3])
    for order in orders:
        actions.record_order(order.pk)

    result = summary(merchant, "2026-03-01", "2026-03-31")
    ledger = CommissionEntry.objects.filter(order__in=orders)

    assert D(result["commission"]["client"]) == sum(e.client_share for e in ledger)
    assert D(result["commission"]["platform"]) == sum(e.platform_share for e in ledger)
    assert D(result["commission"]["client"]) + D(result["commission"]["platform"]) == D(result["revenue"])
    products = ProductDay.objects.filter(merchant=merchant)
    assert sum(p.commission_client for p in products) == D(result["commission"]["client"])
    assert sum(p.revenue for p in products) == D(result["revenue"])


def _rows(merchant) -> tuple[list, list]:
    """Every non-empty rollup row of the store, except today's (a rebuild also snapshots today's stock)."""
    today = actions.store_today(merchant)
    days = [
        (r.day, *(getattr(r, n) for n in ORDER_FIGURES), r.fulfillment, r.stock_end)
        for r in MerchantDay.objects.filter(merchant=merchant).exclude(day=today).order_by("day")
        if any(getattr(r, n) for n in ORDER_FIGURES) or r.stock_end is not None
    ]
    products = [
        (str(r.product_id), r.day, *(getattr(r, n) for n in ORDER_FIGURES), r.views)
        for r in ProductDay.objects.filter(merchant=merchant).exclude(day=today).order_by("product_id", "day")
        if any(getattr(r, n) for n in ORDER_FIGURES) or r.views
    ]
    return days, products


def test_a_rebuild_gives_the_same_rollups_as_incremental_updates(merchant, other_merchant, box, lamp):
    merchant.timezone = "Asia/Tokyo"
    merchant.save()
    base = (timezone.now() - timedelta(days=10)).replace(hour=0, minute=0, second=0, microsecond=0)
    orders = [
        make_order(
            merchant,
            [Item(box, 1 + i % 3, "12.34", "5.67"), Item(lamp, 1, "9.99", "3.21")],
            created_at=base + timedelta(hours=10) + timedelta(hours=7 * i),
            confirmed_at=base + timedelta(hours=12) + timedelta(hours=7 * i),
            shipping="2.50",
            shipped_after=timedelta(hours=20 + i),
            delivered_after=timedelta(days=3, hours=i) if i % 2 else None,
        )
        for i in range(12)
    ]
    for order in orders:
        actions.record_order(order.pk)
    refund(orders[1], "3.33")
    refund(orders[4])
    cancelled = make_order(merchant, [Item(box, 1, "5.00", "1.00")], confirmed_at=base + timedelta(days=1, hours=1))
    actions.record_order(cancelled.pk)
    cancel(cancelled)
    for order in (orders[1], orders[4], cancelled):
        actions.record_order(order.pk)
    actions.snapshot_stock(merchant, (base + timedelta(days=1)).date())
    actions.record_storefront_events(
        merchant, [actions.StorefrontEvent(box.pk, "view", 7, base + timedelta(days=1, hours=5))]
    )
    incremental = _rows(merchant)

    call_command("rebuild_analytics", "--merchant", str(merchant.pk), stdout=StringIO())
    rebuilt = _rows(merchant)
    call_command("rebuild_analytics", stdout=StringIO())

    assert len(incremental[0]) >= 4  # several days
    assert len(incremental[1]) >= 8  # of both products
    assert rebuilt == incremental
    assert _rows(merchant) == incremental  # idempotent
    assert MerchantDay.objects.filter(merchant=other_merchant).exclude(stock_end__isnull=False).count() == 0


def test_a_rebuild_from_a_day_leaves_earlier_days_alone(merchant, box):
    early = make_order(merchant, [Item(box, 1, "10.00", "4.00")], confirmed_at=at("2026-03-01T10:00"))
    late = make_order(merchant, [Item(box, 2, "10.00", "4.00")], confirmed_at=at("2026-03-05T10:00"))
    actions.record_order(late.pk)  # the early order was never recorded

    actions.rebuild(merchant, date(2026, 3, 3))

    assert summary(merchant, "2026-03-01", "2026-03-31")["orders"] == 1
    actions.rebuild(merchant)
    assert summary(merchant, "2026-03-01", "2026-03-31")["orders"] == 2
    assert early.pk


@pytest.mark.parametrize(
    ("amount", "weights", "parts"),
    [
        ("10.00", ["1", "1", "1"], ["3.34", "3.33", "3.33"]),
        ("0.01", ["5", "5"], ["0.01", "0.00"]),
        ("-5.05", ["24", "20"], ["-2.75", "-2.30"]),
        ("7.00", ["0", "0"], ["3.50", "3.50"]),
    ],
)
def test_allocated_parts_always_sum_to_the_amount(amount, weights, parts):
    result = allocate(D(amount), [D(w) for w in weights])

    assert result == [D(p) for p in parts]
    assert sum(result) == D(amount)


def test_percentiles_read_the_bucket_that_holds_the_rank():
    histogram = {bucket_of(1): 5, bucket_of(10): 4, bucket_of(100): 1}

    assert percentile(histogram, 0.5) == 1.25
    assert percentile(histogram, 0.9) == 11.0
    assert percentile({}, 0.5) is None


def test_the_worker_task_records_an_order_by_the_id_string_it_is_queued_with(merchant, box):
    from analytics import tasks

    order = make_order(merchant, [Item(box, 2, "10.00", "4.00")], confirmed_at=at("2026-03-10T12:00"))

    tasks.record_order_task.run(str(order.pk))  # as a worker runs it: the id arrives as JSON text

    assert summary(merchant, "2026-03-10", "2026-03-10")["orders"] == 1
