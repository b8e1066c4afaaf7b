"""The preset windows (7, 30 and 90 days ending today): each product's figures, kept as the product days change.

Top products and category trends over a preset read one row per product from ProductWindow instead of
summing its product days (~48,000 rows over 90 days at 100,000 orders a year), so the first summary after a
change costs about the same at any size. The rows are kept by a trigger on analytics_productday (migration
0005) relative to the store's `windows_as_of`; `current_windows` moves them to the store's today once a day:
it subtracts the days that left each window and adds the days that entered it (bounded by the products sold
on those days, not the catalog). Custom ranges, and SQLite (no trigger), read the product days.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from django.db import connection, transaction

from ..models import WINDOW_DAYS, ProductWindow, RollupVersion
from .periods import Period, store_today

if TYPE_CHECKING:
    from nexusone.accounts.models import Merchant

PRESETS = (7, 30, 90)

# Signed sums of the product days with lines in each (window, first day, last day, sign) range.
SHIFT_SQL = """
INSERT INTO analytics_productwindow (merchant_id, product_id, days, lines, units, revenue, cost)
SELECT d.merchant_id, d.product_id, r.days, SUM(r.sign * d.lines), SUM(r.sign * d.units),
       SUM(r.sign * d.revenue), SUM(r.sign * d.cost)
FROM (VALUES {ranges}) AS r(days, first_day, last_day, sign)
JOIN analytics_productday d ON d.merchant_id = %s AND d.day BETWEEN r.first_day AND r.last_day AND d.lines > 0
GROUP BY d.merchant_id, d.product_id, r.days
ON CONFLICT (merchant_id, product_id, days) DO UPDATE SET
    lines = analytics_productwindow.lines + EXCLUDED.lines,
    units = analytics_productwindow.units + EXCLUDED.units,
    revenue = analytics_productwindow.revenue + EXCLUDED.revenue,
    cost = analytics_productwindow.cost + EXCLUDED.cost
"""
RANGE_SQL = "(%s::integer, %s::date, %s::date, %s::integer)"

Range = tuple[int, date, date, int]


def kept() -> bool:
    """Whether the windows are kept: the trigger exists on PostgreSQL only."""
    return connection.vendor == "postgresql"


def window_of(merchant: Merchant, period: Period, today: date | None = None) -> int | None:
    """The preset window a period is (7, 30 or 90 days ending today), or None: read the product days."""
    if not kept() or period.days not in PRESETS:
        return None
    return period.days if period.end == (today or store_today(merchant)) else None


def shift_ranges(as_of: date | None, today: date) -> list[Range]:
    """What moves every window from ending on `as_of` to ending on `today`: the days that left it (sign -1)
    and those that entered it (+1). None: from empty windows."""
    ranges: list[Range] = []
    for days in WINDOW_DAYS:
        new_first = today - timedelta(days=days - 1)
        if as_of is None:
            ranges.append((days, new_first, today, 1))
            continue
        old_first = as_of - timedelta(days=days - 1)
        left_last = min(as_of, new_first - timedelta(days=1))
        entered_first = max(as_of + timedelta(days=1), new_first)
        if old_first <= left_last:
            ranges.append((days, old_first, left_last, -1))
        if entered_first <= today:
            ranges.append((days, entered_first, today, 1))
    return ranges


def _shift(merchant_id: Any, ranges: list[Range]) -> None:
    if not ranges:
        return
    store = ProductWindow._meta.get_field("merchant").get_db_prep_value(merchant_id, connection)
    sql = SHIFT_SQL.format(ranges=", ".join([RANGE_SQL] * len(ranges)))
    with connection.cursor() as cursor:
        cursor.execute(sql, [value for r in ranges for value in r] + [store])
    ProductWindow.objects.filter(merchant_id=merchant_id, lines=0).delete()


def current_windows(merchant: Merchant, today: date | None = None) -> date:
    """Make the store's windows end on `today` (its store day by default); a no-op but once a day."""
    today = today or store_today(merchant)
    if _as_of(merchant) == today:
        return today
    from .rollups import lock_merchant

    with transaction.atomic():
        lock_merchant(merchant.pk)  # serialised with the writers of product days
        as_of = _as_of(merchant)
        if as_of != today:
            if as_of is None or as_of > today:  # not built, or the store's days moved back (time zone)
                ProductWindow.objects.filter(merchant=merchant).delete()
                as_of = None
            _shift(merchant.pk, shift_ranges(as_of, today))
            RollupVersion.objects.filter(merchant=merchant).update(windows_as_of=today)
    return today


def _as_of(merchant: Merchant) -> date | None:
    row = RollupVersion.objects.filter(merchant=merchant).values_list("windows_as_of", flat=True).first()
    if row is None:
        RollupVersion.objects.bulk_create([RollupVersion(merchant=merchant)], ignore_conflicts=True)
    return row
