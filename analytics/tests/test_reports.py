"""Reorder suggestions, category trends and the seasonal view, on fixed rollups."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from analytics import actions

from .conftest import Item, make_order

pytestmark = pytest.mark.django_db


def _sell(merchant, product, units: int, days_ago: int, price: str = "10.00") -> None:
    when = timezone.now() - timedelta(days=days_ago)
    actions.record_order(make_order(merchant, [Item(product, units, price, "4.00")], confirmed_at=when).pk)


def test_reorder_flags_products_under_seven_days_of_cover_most_urgent_first(merchant, box, lamp):
    box.stock_quantity, lamp.stock_quantity = 10, 1
    box.save()
    lamp.save()
    _sell(merchant, box, 56, 3)  # 2 a day over 28 days: 10 in stock is 5 days
    _sell(merchant, lamp, 28, 10)  # 1 a day: 1 in stock is 1 day
    _sell(merchant, lamp, 50, 40)  # outside the 28 days

    suggestions = actions.reorder_suggestions(merchant)

    assert [(s["name"], s["days_of_cover"], s["daily_units"]) for s in suggestions] == [
        ("Desk Lamp", 1.0, 1.0),
        ("Storage Box", 5.0, 2.0),
    ]


def test_a_product_with_a_week_of_cover_or_more_is_not_flagged(merchant, box):
    box.stock_quantity = 14
    box.save()
    _sell(merchant, box, 56, 3)  # 2 a day: exactly 7 days

    assert actions.reorder_suggestions(merchant) == []


def test_category_trends_compare_the_last_week_and_month_with_the_ones_before(merchant, box, lamp):
    today = actions.store_today(merchant)
    _sell(merchant, box, 3, 1)  # this week: 30.00
    _sell(merchant, box, 2, 9)  # last week: 20.00
    _sell(merchant, box, 1, 40)  # the month before: 10.00
    _sell(merchant, lamp, 1, 2, "5.00")  # uncategorised

    trends = actions.category_trends(merchant, actions.Period.ending(today, 30))

    assert trends == [
        {"category": "Home", "revenue": "50.00", "change_wow": 0.5, "change_mom": 4.0},
        {"category": "Uncategorised", "revenue": "5.00", "change_wow": None, "change_mom": None},
    ]


def test_the_seasonal_view_counts_units_per_monday_week_over_a_year(merchant, box):
    today = date.fromisoformat(actions.store_today(merchant).isoformat())
    _sell(merchant, box, 4, 0)
    _sell(merchant, box, 6, 200)
    _sell(merchant, box, 9, 400)  # more than a year ago

    weeks = actions.seasonal_units(merchant, product_id=box.pk)

    assert all(date.fromisoformat(w["week"]).weekday() == 0 for w in weeks)
    assert weeks[-1] == {"week": (today - timedelta(days=today.weekday())).isoformat(), "units": 4}
    assert sum(w["units"] for w in weeks) == 10
