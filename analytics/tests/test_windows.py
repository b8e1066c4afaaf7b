"""The preset windows give the same top products and category trends as summing the product days."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from django.utils import timezone

from analytics import actions
from analytics.actions import reports, windows
from analytics.models import ProductWindow, RollupVersion
from inventory.models import Product
from orders.models import Order
from tests.factories import CategoryFactory, ProductFactory

from .conftest import Item, cancel, make_order, refund

pytestmark = pytest.mark.django_db


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def day(text: str) -> date:
    return date.fromisoformat(text)


def from_days(merchant, today: date, days: int) -> tuple[list, list]:
    within = actions.Period.ending(today, days)
    return reports.top_products(merchant, within, limit=50), reports.category_trends(merchant, within)


def from_windows(merchant, today: date, days: int) -> tuple[list, list]:
    windows.current_windows(merchant, today)
    within = actions.Period.ending(today, days)
    return (
        reports.top_products(merchant, within, limit=50, window=days),
        reports.category_trends(merchant, within, window=days),
    )


def assert_same(merchant, today: date) -> None:
    for days in windows.PRESETS:
        assert from_windows(merchant, today, days) == from_days(merchant, today, days), (today, days)
    windows.current_windows(merchant, today)
    assert reports.window_units_peak(merchant, today) == reports.days_units_peak(merchant, today), today


def window_rows(merchant) -> set:
    return set(
        ProductWindow.objects.filter(merchant=merchant, lines__gt=0).values_list(
            "product_id", "days", "lines", "units", "revenue", "cost"
        )
    )


@pytest.fixture
def sales(merchant, box, lamp):
    """New York store: refunds (full and partial), a cancellation, orders on both edges of a day."""
    merchant.timezone = "America/New_York"
    merchant.save()
    orders = [
        make_order(merchant, [Item(box, 2, "10.00", "4.00"), Item(lamp, 1, "30.00", "12.00")], confirmed_at=at(t))
        for t in ("2026-03-01T05:30", "2026-03-10T12:00", "2026-03-31T23:59", "2026-05-02T10:00")
    ]
    orders.append(make_order(merchant, [Item(lamp, 3, "30.00", "12.00")], confirmed_at=at("2026-03-01T04:59")))
    orders.append(make_order(merchant, [Item(box, 5, "10.00", "4.00")], confirmed_at=at("2026-04-01T03:59")))
    refund(orders[1], "7.50")
    refund(orders[2])
    cancel(make_order(merchant, [Item(box, 9, "10.00", "4.00")], confirmed_at=at("2026-03-15T12:00")))
    for order_id in Order.objects.filter(merchant=merchant).values_list("pk", flat=True):
        actions.record_order(order_id)
    return orders


def test_windows_equal_the_product_days_on_every_day_they_roll_over(merchant, sales):
    today = day("2026-02-20")
    while today <= day("2026-08-10"):
        assert_same(merchant, today)
        today += timedelta(days=1)

    assert RollupVersion.objects.get(merchant=merchant).windows_as_of == day("2026-08-10")
    assert from_windows(merchant, day("2026-03-31"), 30)[0]  # the comparison saw sales
    assert reports.days_units_peak(merchant, day("2026-03-31")) == 7  # and reorder peaks: the box 2 + 5 (not refunded)


def test_windows_jump_forward_and_back(merchant, sales):
    for today in ("2026-03-05", "2026-04-20", "2026-12-01", "2026-03-31", "2026-03-30", "2026-05-02"):
        assert_same(merchant, day(today))


def test_orders_changed_after_the_windows_were_built_show_in_them(merchant, sales, box, lamp):
    today = day("2026-03-20")
    assert_same(merchant, today)

    refund(sales[0], "5.00")
    actions.record_order(sales[0].pk)
    cancel(sales[4])
    actions.record_order(sales[4].pk)
    for confirmed in ("2026-03-20T15:00", "2026-03-22T15:00", "2026-01-10T15:00"):  # today, after it, long ago
        actions.record_order(make_order(merchant, [Item(lamp, 4, "30.00", "9.00")], confirmed_at=at(confirmed)).pk)

    assert_same(merchant, today)
    assert_same(merchant, day("2026-03-22"))
    top = from_windows(merchant, day("2026-03-22"), 7)[0]
    assert [(row["name"], row["units"]) for row in top] == [("Desk Lamp", 8)]


def test_a_rebuild_keeps_the_windows_and_is_idempotent(merchant, sales):
    today = day("2026-04-05")
    windows.current_windows(merchant, today)
    before = window_rows(merchant)
    assert before

    actions.rebuild(merchant)
    actions.rebuild(merchant, since=day("2026-03-10"))
    actions.rebuild(merchant)

    assert window_rows(merchant) == before
    assert_same(merchant, today)


def test_a_time_zone_change_and_its_rebuild_move_the_windows_with_the_days(merchant, sales):
    windows.current_windows(merchant, day("2026-04-01"))
    merchant.timezone = "Pacific/Kiritimati"
    merchant.save()
    actions.rebuild(merchant)

    assert_same(merchant, day("2026-04-01"))
    assert_same(merchant, day("2026-03-31"))  # the store's days moved back: built again


def test_a_deleted_product_leaves_its_windows(merchant, sales, box):
    windows.current_windows(merchant, day("2026-03-31"))
    box.delete()

    assert not ProductWindow.objects.filter(product_id=box.pk).exists()
    assert_same(merchant, day("2026-03-31"))


def test_the_summary_of_a_preset_reads_the_windows_and_equals_the_product_days(merchant, box, lamp):
    now = timezone.now()
    other = ProductFactory(merchant=merchant, name="Mug")
    for age, item in (
        (1, Item(box, 2, "10.00", "4.00")),
        (10, Item(lamp, 1, "30.00", "9.00")),
        (45, Item(other, 9, "5.00", "1.00")),
        (0, Item(other, 1, "5.00", "1.00")),
    ):
        actions.record_order(make_order(merchant, [item], confirmed_at=now - timedelta(days=age)).pk)
    today = actions.store_today(merchant)

    for days in windows.PRESETS:
        within = actions.Period.ending(today, days)
        result = actions.summary(merchant, within)
        assert windows.window_of(merchant, within) == days
        assert result["top_products"] == reports.top_products(merchant, within)
        assert result["categories"] == reports.category_trends(merchant, within)
    assert RollupVersion.objects.get(merchant=merchant).windows_as_of == today
    assert {row["name"] for row in actions.summary(merchant, actions.Period.ending(today, 90))["top_products"]} == {
        "Storage Box",
        "Desk Lamp",
        "Mug",
    }


def test_custom_ranges_read_the_product_days(merchant):
    today = actions.store_today(merchant)
    assert windows.window_of(merchant, actions.Period.ending(today, 31)) is None
    assert windows.window_of(merchant, actions.Period.ending(today - timedelta(days=1), 30)) is None
    assert windows.window_of(merchant, actions.Period.ending(today, 30)) == 30


def test_moving_products_between_categories_moves_their_window_revenue(merchant, sales, box, lamp, category):
    today = day("2026-03-31")
    assert_same(merchant, today)
    garden = CategoryFactory(merchant=merchant, name="Garden")

    Product.objects.filter(pk=lamp.pk).update(category=garden)
    assert {row["category"] for row in from_windows(merchant, today, 30)[1]} == {"Garden", "Home"}
    assert_same(merchant, today)

    box.category = garden
    box.save()
    assert_same(merchant, today)

    garden.delete()  # its products become uncategorised
    assert [row["category"] for row in from_windows(merchant, today, 30)[1]] == ["Uncategorised"]
    assert_same(merchant, today)
    assert_same(merchant, day("2026-04-02"))


def test_reorder_suggestions_from_the_windows_equal_those_from_the_product_days(merchant, box, lamp, monkeypatch):
    now = timezone.now()
    mug = ProductFactory(merchant=merchant, name="Mug", stock_quantity=1)
    for age, item in (
        (1, Item(box, 60, "10.00", "4.00")),
        (27, Item(lamp, 20, "30.00", "9.00")),
        (29, Item(mug, 50, "5.00", "1.00")),
        (0, Item(mug, 8, "5.00", "1.00")),
    ):
        actions.record_order(make_order(merchant, [item], confirmed_at=now - timedelta(days=age)).pk)
    peak = reports.recent_units_peak(merchant)
    from_windows = [reports.reorder_suggestions(merchant), reports.reorder_suggestions(merchant, stock_below=5)]

    monkeypatch.setattr(windows, "kept", lambda: False)

    assert peak == reports.recent_units_peak(merchant) == 60
    assert from_windows == [reports.reorder_suggestions(merchant), reports.reorder_suggestions(merchant, stock_below=5)]
    assert {row["name"] for row in from_windows[0]} == {"Storage Box", "Desk Lamp", "Mug"}
