"""The period summary (DESIGN.md §6): the store's days and ranked products, cached under the rollup version."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .periods import Period
from .reports import (
    category_trends,
    fulfillment_distribution,
    fulfillment_hours,
    money,
    ratio,
    store_totals,
    top_products,
)
from .versions import remembered, reorder_suggestions, rollup_version
from .windows import current_windows, window_of

if TYPE_CHECKING:
    from nexusone.accounts.models import Merchant


def summary(merchant: Merchant, period: Period) -> dict[str, Any]:
    """DESIGN.md §6's summary, plus the daily series and fulfillment distribution the charts draw.

    Everything but the reorder list (live stock) comes from the cache while the store's version stands."""
    version = rollup_version(merchant)
    key = ("summary", period.start, period.end)
    figures = remembered(merchant, version, key, lambda: period_figures(merchant, period))
    return {
        "from": period.start.isoformat(),
        "to": period.end.isoformat(),
        "currency": merchant.currency,
        "timezone": merchant.timezone,
        **figures,
        "reorder": reorder_suggestions(merchant, version),
    }


def reorder_list(merchant: Merchant, limit: int) -> list[dict[str, Any]]:
    """The summary's reorder suggestions, `limit` long (the reorder API lists more)."""
    return reorder_suggestions(merchant, rollup_version(merchant), limit=limit)


def period_figures(merchant: Merchant, period: Period) -> dict[str, Any]:
    """The summary's figures that depend on the rollups and catalog only (what the cache keeps)."""
    window = window_of(merchant, period)
    if window:
        current_windows(merchant, period.end)
    totals = store_totals(merchant, period)
    f = totals.figures
    return {
        "orders": f["orders"],
        "units": f["units"],
        "revenue": money(f["revenue"]),
        "refunds": money(f["refunds"]),
        "cost": money(f["cost"]),
        "margin": money(f["revenue"] - f["cost"]),
        "commission": {"client": money(f["commission_client"]), "platform": money(f["commission_platform"])},
        "fulfillment_hours": fulfillment_hours(totals.histograms),
        "turnover": ratio(f["units"], totals.average_stock) if totals.average_stock else None,
        "satisfaction": {"average": ratio(f["rating_sum"], f["rating_count"]), "count": f["rating_count"]},
        "top_products": top_products(merchant, period, window=window),
        "categories": category_trends(merchant, period, window=window),
        "series": totals.series,
        "fulfillment_distribution": fulfillment_distribution(totals.histograms),
    }
