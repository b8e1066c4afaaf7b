"""The period summary (DESIGN.md §6): the store's days summed, and the ranked parts from `ranked`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .periods import Period
from .ranked import ranked_parts
from .reports import fulfillment_distribution, fulfillment_hours, money, ratio, store_totals

if TYPE_CHECKING:
    from nexusone.accounts.models import Merchant


def summary(merchant: Merchant, period: Period) -> dict[str, Any]:
    """DESIGN.md §6's summary, plus the daily series and fulfillment distribution the charts draw."""
    totals = store_totals(merchant, period)
    ranked = ranked_parts(merchant, period)
    f = totals.figures
    return {
        "from": period.start.isoformat(),
        "to": period.end.isoformat(),
        "currency": merchant.currency,
        "timezone": merchant.timezone,
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
        "top_products": ranked["top_products"],
        "reorder": ranked["reorder"],
        "categories": ranked["categories"],
        "series": totals.series,
        "fulfillment_distribution": fulfillment_distribution(totals.histograms),
    }
