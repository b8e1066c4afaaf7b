"""The figures of a period, read from the rollups only (a period costs O(days), whatever the number of orders)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction
from typing import TYPE_CHECKING, Any

from django.db import connection
from django.db.models import (
    Avg,
    DecimalField,
    ExpressionWrapper,
    F,
    FloatField,
    Max,
    OuterRef,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Cast, Greatest, NullIf, TruncWeek

from inventory.models import Product

from ..choices import Stage
from ..models import ZERO, MerchantDay, ProductDay, ProductWindow, StockDay
from . import windows
from .facts import BUCKET_EDGES, bucket_value, percentile
from .periods import Period, store_today

if TYPE_CHECKING:
    from nexusone.accounts.models import Merchant

CENT = Decimal("0.01")
REORDER_WINDOW_DAYS = 28
REORDER_UNDER_DAYS = 7
TOP_PRODUCTS = 5
MONEY = ("revenue", "refunds", "cost", "commission_client", "commission_platform")
COUNTS = ("orders", "units", "rating_count", "rating_sum")


def money(value: Decimal | None) -> str:
    return str((value or ZERO).quantize(CENT))


def ratio(numerator: float | Decimal, denominator: float | Decimal) -> float | None:
    return round(float(numerator) / float(denominator), 4) if denominator else None


def change(current: Decimal, previous: Decimal) -> float | None:
    """Relative change (0.25 = +25%); None when there was nothing before to compare with."""
    return round(float((current - previous) / previous), 4) if previous else None


# --- the store's days ----------------------------------------------------------------------------------------


@dataclass
class StoreTotals:
    figures: dict[str, Any]
    histograms: dict[str, dict[int, int]]
    series: list[dict[str, Any]]
    average_stock: float | None


def store_totals(merchant: Merchant, period: Period) -> StoreTotals:
    """One query: the period's store days, summed here (at most a few hundred rows)."""
    rows = MerchantDay.objects.filter(merchant=merchant, day__range=(period.start, period.end)).values(
        "day", "fulfillment", "stock_end", *MONEY, *COUNTS
    )
    figures: dict[str, Any] = dict.fromkeys(MONEY, ZERO) | dict.fromkeys(COUNTS, 0)
    histograms: dict[str, dict[int, int]] = {stage: {} for stage in Stage.values}
    by_day, stock = {}, []
    for row in rows:
        for name in (*MONEY, *COUNTS):
            figures[name] += row[name]
        for stage, counts in (row["fulfillment"] or {}).items():
            into = histograms.setdefault(stage, {})
            for bucket, count in counts.items():
                into[int(bucket)] = into.get(int(bucket), 0) + count
        if row["stock_end"] is not None:
            stock.append(row["stock_end"])
        by_day[row["day"]] = row
    series = [_day_point(period.start + timedelta(days=i), by_day) for i in range(period.days)]
    return StoreTotals(figures, histograms, series, sum(stock) / len(stock) if stock else None)


def _day_point(day: date, by_day: dict[date, dict[str, Any]]) -> dict[str, Any]:
    row = by_day.get(day)
    return {
        "day": day.isoformat(),
        "orders": row["orders"] if row else 0,
        "units": row["units"] if row else 0,
        "revenue": money(row["revenue"] if row else ZERO),
    }


def fulfillment_hours(histograms: dict[str, dict[int, int]]) -> dict[str, dict[str, float | None]]:
    return {
        stage: {"median": percentile(histograms.get(stage, {}), 0.5), "p90": percentile(histograms.get(stage, {}), 0.9)}
        for stage in Stage.values
    }


def fulfillment_distribution(histograms: dict[str, dict[int, int]]) -> dict[str, list[dict[str, Any]]]:
    """Per stage, the orders per bucket: `from`–`to` hours (the last bucket has no end)."""
    out = {}
    for stage in Stage.values:
        counts = histograms.get(stage, {})
        out[stage] = [
            {
                "from": BUCKET_EDGES[b],
                "to": BUCKET_EDGES[b + 1] if b + 1 < len(BUCKET_EDGES) else None,
                "hours": bucket_value(b),
                "orders": counts[b],
            }
            for b in sorted(counts)
        ]
    return out


# --- products --------------------------------------------------------------------------------------------------


def product_days(merchant: Merchant, period: Period) -> QuerySet[ProductDay]:
    """The period's product days (days with sales, events or ratings)."""
    return ProductDay.objects.filter(merchant=merchant, day__range=(period.start, period.end))


PRODUCT_SUMS = (
    "orders",
    "units",
    "revenue",
    "refunds",
    "cost",
    "commission_client",
    "commission_platform",
    "views",
    "clicks",
    "add_to_carts",
    "rating_count",
    "rating_sum",
)


def product_figures(
    merchant: Merchant, period: Period, ordering: str = "revenue", sums: tuple[str, ...] = PRODUCT_SUMS
) -> QuerySet:
    """Per product (`sum_<figure>`): units, orders, revenue, refunds, cost, margin, commission, events, ratings.

    `sums` narrows the figures summed (revenue and cost are always there: margin needs them)."""
    money_field = DecimalField(max_digits=16, decimal_places=2)
    wanted = dict.fromkeys((*sums, "revenue", "cost"))
    return (
        product_days(merchant, period)
        .values("product_id")
        .annotate(**{f"sum_{name}": Sum(name) for name in wanted})
        .annotate(sum_margin=ExpressionWrapper(F("sum_revenue") - F("sum_cost"), output_field=money_field))
        .order_by(f"-sum_{ordering}", "product_id")
    )


def average_stock(merchant: Merchant, period: Period, product_ids: list[Any]) -> dict[str, float]:
    """Average end-of-day stock per product over the period (for one page of products)."""
    rows = (
        StockDay.objects.filter(merchant=merchant, product_id__in=product_ids, day__range=(period.start, period.end))
        .values("product_id")
        .annotate(stock=Avg("stock_end"))
        .order_by()
    )
    return {str(row["product_id"]): float(row["stock"]) for row in rows}


def product_names(merchant: Merchant, product_ids: list[Any]) -> dict[str, str]:
    """Names of a page of products (the sums are grouped by id alone: no join with the catalog)."""
    rows = Product.objects.filter(merchant=merchant, pk__in=product_ids).values_list("pk", "name")
    return {str(pk): name for pk, name in rows}


def product_row(row: dict[str, Any], stock: dict[str, float], names: dict[str, str]) -> dict[str, Any]:
    """A product_figures row as the API shows it."""
    product_id = str(row["product_id"])
    figures = {name: row[f"sum_{name}"] for name in (*PRODUCT_SUMS, "margin")}
    return {
        "product_id": product_id,
        "name": names.get(product_id, ""),
        "orders": figures["orders"],
        "units": figures["units"],
        **{name: money(figures[name]) for name in ("revenue", "refunds", "cost", "margin")},
        "commission": {
            "client": money(figures["commission_client"]),
            "platform": money(figures["commission_platform"]),
        },
        "views": figures["views"],
        "clicks": figures["clicks"],
        "add_to_carts": figures["add_to_carts"],
        "conversion": ratio(figures["orders"], figures["views"]),
        "turnover": ratio(figures["units"], stock[product_id]) if stock.get(product_id) else None,
        "rating": {"average": ratio(figures["rating_sum"], figures["rating_count"]), "count": figures["rating_count"]},
    }


def top_products(
    merchant: Merchant, period: Period, limit: int = TOP_PRODUCTS, window: int | None = None
) -> list[dict[str, Any]]:
    """The best sellers by revenue; `window` (a preset, see analytics.actions.windows): from its rows."""
    rows = _window_top(merchant, window, limit) if window else _days_top(merchant, period, limit)
    names = product_names(merchant, [r["product_id"] for r in rows])
    return [
        {
            "product_id": str(r["product_id"]),
            "name": names.get(str(r["product_id"]), ""),
            "units": r["sum_units"],
            "revenue": money(r["sum_revenue"]),
            "margin": money(r["sum_margin"]),
        }
        for r in rows
    ]


def _days_top(merchant: Merchant, period: Period, limit: int) -> list[dict[str, Any]]:
    return list(product_figures(merchant, period, sums=("units",)).filter(lines__gt=0)[:limit])


def _window_top(merchant: Merchant, window: int, limit: int) -> list[dict[str, Any]]:
    """An index scan on (merchant, days, revenue DESC, product): the rows `_days_top` would sum."""
    rows = (
        ProductWindow.objects.filter(merchant=merchant, days=window, lines__gt=0)
        .order_by("-revenue", "product_id")
        .values("product_id", "units", "revenue", "cost")[:limit]
    )
    return [
        {
            "product_id": r["product_id"],
            "sum_units": r["units"],
            "sum_revenue": r["revenue"],
            "sum_margin": r["revenue"] - r["cost"],
        }
        for r in rows
    ]


# --- reorder, categories, seasons ----------------------------------------------------------------------------


def reorder_window(merchant: Merchant, today: date | None = None) -> Period:
    return Period.ending(today or store_today(merchant), REORDER_WINDOW_DAYS)


def recent_units_peak(merchant: Merchant, today: date | None = None) -> int:
    """The most units one product sold in the reorder window (0 when nothing sold); from the window rows when
    the window ends today (analytics.actions.windows)."""
    if windows.kept() and (today is None or today == store_today(merchant)):
        return window_units_peak(merchant, windows.current_windows(merchant))
    return days_units_peak(merchant, today)


def window_units_peak(merchant: Merchant, as_of: date) -> int:
    """`days_units_peak` from the product windows, once `windows.current_windows` moved them to `as_of`."""
    rows = ProductWindow.objects.filter(merchant=merchant, days=REORDER_WINDOW_DAYS, lines__gt=0)
    return rows.aggregate(peak=Max("units"))["peak"] or 0


def days_units_peak(merchant: Merchant, today: date | None = None) -> int:
    per_product = (
        product_days(merchant, reorder_window(merchant, today))
        .filter(lines__gt=0)
        .values("product_id")
        .annotate(sold=Sum("units"))
        .order_by()
    )
    return per_product.aggregate(peak=Max("sold"))["peak"] or 0


def reorder_stock_bound(peak_units: int) -> int:
    """The least stock that covers 7 days even at the window's best seller's pace: no product at or above it
    can be suggested (cover < 7 ⟺ stock < sold × 7 ÷ 28)."""
    return math.ceil(Fraction(peak_units * REORDER_UNDER_DAYS, REORDER_WINDOW_DAYS))


def _units_sold_in_reorder_window(merchant: Merchant, today: date | None) -> Subquery:
    """Units one product (the outer row) sold in the reorder window: its window row when the window ends today
    (analytics.actions.windows, found by the unique (merchant, product, days) key), else its product days summed."""
    if windows.kept() and (today is None or today == store_today(merchant)):
        windows.current_windows(merchant)
        rows = ProductWindow.objects.filter(merchant=merchant, days=REORDER_WINDOW_DAYS, product=OuterRef("pk"))
        return Subquery(rows.filter(lines__gt=0).values("units")[:1])
    days = product_days(merchant, reorder_window(merchant, today)).filter(product=OuterRef("pk"), lines__gt=0)
    return Subquery(days.order_by().values("product_id").annotate(sold=Sum("units")).values("sold"))


def reorder_suggestions(
    merchant: Merchant, *, limit: int = 20, today: date | None = None, stock_below: int | None = None
) -> list[dict[str, Any]]:
    """Products whose sellable stock covers under 7 days of the last 28 days' average sales, most urgent first.

    Days of cover = stock ÷ (units sold in 28 days ÷ 28), worked out and filtered in the database. The query is
    driven by the catalog: `stock_below` (from `reorder_stock_bound`) narrows it to the few products with so
    little stock (an index range), each of which then reads its own sales; without it every product is read."""
    products = Product.objects.filter(merchant=merchant)
    if stock_below is not None:
        products = products.filter(stock_quantity__lt=stock_below)
    stock = Cast(Greatest(F("stock_quantity"), Value(0)), FloatField())
    sold = NullIf(Cast("sold", FloatField()), Value(0.0))  # nothing sold: no cover, not a suggestion
    rows = (
        products.annotate(sold=_units_sold_in_reorder_window(merchant, today))
        .annotate(cover=ExpressionWrapper(stock * REORDER_WINDOW_DAYS / sold, FloatField()))
        .filter(cover__lt=REORDER_UNDER_DAYS)
        .order_by("cover", "-sold", "name", "pk")
        .values("pk", "name", "stock_quantity", "sold", "cover")[:limit]
    )
    return [
        {
            "product_id": str(row["pk"]),
            "name": row["name"],
            "stock_quantity": row["stock_quantity"],
            "daily_units": round(row["sold"] / REORDER_WINDOW_DAYS, 2),
            "days_of_cover": round(row["cover"], 1),
        }
        for row in rows
    ]


# Each product's window sums first (~10,000 rows at 100,000 orders a year), then its category's: joining every
# product day (~48,000 over 90 days) to the catalog costs three times as much.
CATEGORY_SUMS_SQL = """
SELECT COALESCE(c.name, 'Uncategorised') AS category, {totals}
FROM (
    SELECT d.product_id, {sums} FROM analytics_productday d
    WHERE d.merchant_id = %s AND d.day BETWEEN %s AND %s AND d.lines > 0
    GROUP BY d.product_id
) per_product
JOIN inventory_product p ON p.id = per_product.product_id AND p.merchant_id = %s
LEFT JOIN inventory_category c ON c.id = p.category_id
GROUP BY 1
ORDER BY 2 DESC, 1
"""


def _category_sums(merchant: Merchant, windows: dict[str, Period], end: date) -> list[dict[str, Any]]:
    """Revenue per category name (`Uncategorised` for none) in each window, highest in the first one first."""
    names = list(windows)
    sums = ", ".join(f'SUM(CASE WHEN d.day BETWEEN %s AND %s THEN d.revenue END) AS "{n}"' for n in names)
    totals = ", ".join(f'COALESCE(SUM(per_product."{n}"), 0) AS "{n}"' for n in names)
    window_params = [day for w in windows.values() for day in (w.start, w.end)]
    earliest = min(w.start for w in windows.values())
    store = ProductDay._meta.get_field("merchant").get_db_prep_value(merchant.pk, connection)  # SQLite: hex
    params = [*window_params, store, earliest, end, store]
    with connection.cursor() as cursor:
        cursor.execute(CATEGORY_SUMS_SQL.format(sums=sums, totals=totals), params)
        return [
            {"category": row[0], **{n: _decimal(v) for n, v in zip(names, row[1:], strict=True)}}
            for row in cursor.fetchall()
        ]


def _decimal(value: Any) -> Decimal:
    """PostgreSQL returns Decimal; SQLite (the demo) may return a number of another kind."""
    return value if isinstance(value, Decimal) else Decimal(str(value)).quantize(CENT)


# A preset's category sums from the category windows (analytics.actions.windows): last week is the 14 days
# less the 7, last month the 60 less the 30. Grouped by name, as the product days are.
CATEGORY_WINDOWS_SQL = """
SELECT COALESCE(c.name, 'Uncategorised') AS category,
    COALESCE(SUM(w.revenue) FILTER (WHERE w.days = %s), 0) AS period,
    COALESCE(SUM(w.revenue) FILTER (WHERE w.days = 7), 0) AS week,
    COALESCE(SUM(w.revenue) FILTER (WHERE w.days = 14), 0) - COALESCE(SUM(w.revenue) FILTER (WHERE w.days = 7), 0),
    COALESCE(SUM(w.revenue) FILTER (WHERE w.days = 30), 0) AS month,
    COALESCE(SUM(w.revenue) FILTER (WHERE w.days = 60), 0) - COALESCE(SUM(w.revenue) FILTER (WHERE w.days = 30), 0)
FROM analytics_categorywindow w
LEFT JOIN inventory_category c ON c.id = w.category_id AND c.merchant_id = %s
WHERE w.merchant_id = %s AND w.days IN (%s, 7, 14, 30, 60)
GROUP BY 1
ORDER BY 2 DESC, 1
"""
WINDOW_NAMES = ("period", "week", "last_week", "month", "last_month")


def _category_window_sums(merchant: Merchant, window: int) -> list[dict[str, Any]]:
    store = ProductWindow._meta.get_field("merchant").get_db_prep_value(merchant.pk, connection)
    with connection.cursor() as cursor:
        cursor.execute(CATEGORY_WINDOWS_SQL, [window, store, store, window])
        return [{"category": row[0], **dict(zip(WINDOW_NAMES, row[1:], strict=True))} for row in cursor.fetchall()]


def category_trends(merchant: Merchant, period: Period, window: int | None = None) -> list[dict[str, Any]]:
    """Revenue per category in the period, with week over week and month over month (30 days) up to its end.

    `window` (a preset ending today, see analytics.actions.windows): read from the product windows."""
    week, month = Period.ending(period.end, 7), Period.ending(period.end, 30)
    windows = {
        "period": period,
        "week": week,
        "last_week": week.previous(),
        "month": month,
        "last_month": month.previous(),
    }
    rows = _category_window_sums(merchant, window) if window else _category_sums(merchant, windows, period.end)
    return [
        {
            "category": row["category"],
            "revenue": money(row["period"]),
            "change_wow": change(row["week"], row["last_week"]),
            "change_mom": change(row["month"], row["last_month"]),
        }
        for row in rows
        if row["period"] or row["week"] or row["month"]
    ]


def seasonal_units(
    merchant: Merchant, *, product_id: Any = None, category: str = "", today: date | None = None
) -> list[dict[str, Any]]:
    """Units per week (weeks start on Monday) over the last year, for one product or one category."""
    year = Period.ending(today or store_today(merchant), 364)
    rows = product_days(merchant, year).filter(lines__gt=0)
    if product_id:
        rows = rows.filter(product_id=product_id)
    if category:
        rows = rows.filter(product__category__name=category)
    weekly = dict(
        rows.annotate(week=TruncWeek("day")).values("week").annotate(sold=Sum("units")).values_list("week", "sold")
    )
    first = year.start - timedelta(days=year.start.weekday())
    weeks = [first + timedelta(weeks=i) for i in range((year.end - first).days // 7 + 1)]
    return [{"week": w.isoformat(), "units": weekly.get(w, 0)} for w in weeks]


# --- the dashboard ----------------------------------------------------------------------------------------------


def dashboard_cards(merchant: Merchant, days: int = 30) -> list[dict[str, Any]]:
    """Revenue and the store's earnings over the last `days` days, for the dashboard home."""
    totals = store_totals(merchant, Period.ending(store_today(merchant), days)).figures
    return [
        {"label": "Revenue", "value": f"{money(totals['revenue'])} {merchant.currency}", "hint": f"last {days} days"},
        {
            "label": "Your earnings",
            "value": f"{money(totals['commission_client'])} {merchant.currency}",
            "hint": f"last {days} days · {totals['orders']} orders",
        },
    ]
