"""The summary's ranked parts at a cost that does not grow with the store: cached under its rollup version.

Top products and category trends rank every product sold in the period, so computing them reads a row per
product and day with sales: ~48,000 rows at 100,000 orders a year over 90 days. Their result is cached under
the store's `RollupVersion`, which moves in the same transaction as anything they read: the product days'
order figures (`bump_version`, called by the rollup writers) and the catalog they are shown by (PostgreSQL
triggers, migration 0003). A cached answer is therefore never stale, and a page that is read again (the range
presets, the dashboard, several members) costs one small row and one cache read.

Reorder suggestions read live stock, so they are not cached as such: the cache holds the window's peak units
per product, which bounds the stock a suggested product can have, and the query reads only those products.

Without PostgreSQL (the SQLite demo has no triggers) or without a working cache, everything is computed.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING, Any, TypeVar

from django.core.cache import cache
from django.db import connection

from ..models import RollupVersion
from . import reports
from .periods import Period, store_today

if TYPE_CHECKING:
    from nexusone.accounts.models import Merchant

logger = logging.getLogger(__name__)

CACHE_SECONDS = 24 * 3600  # answers of older versions are never read again; they only need to expire
T = TypeVar("T")
# One statement, so a store's first bump and its first read cannot both create the row (PostgreSQL and SQLite).
BUMP_SQL = (
    "INSERT INTO analytics_rollupversion (merchant_id, version) VALUES (%s, 1) "
    "ON CONFLICT (merchant_id) DO UPDATE SET version = analytics_rollupversion.version + 1"
)


def versioned() -> bool:
    """Whether versions are kept whole: the catalog triggers exist on PostgreSQL only."""
    return connection.vendor == "postgresql"


def bump_version(merchant_id: Any) -> None:
    """The product days' order figures changed: call inside the transaction that changed them."""
    with connection.cursor() as cursor:
        cursor.execute(BUMP_SQL, [merchant_id])


def rollup_version(merchant: Merchant) -> int | None:
    """The store's version (None: not cached here). A store's first read creates its row."""
    if not versioned():
        return None
    version = RollupVersion.objects.filter(merchant=merchant).values_list("version", flat=True).first()
    if version is None:
        RollupVersion.objects.bulk_create([RollupVersion(merchant=merchant)], ignore_conflicts=True)
        return 0
    return version


def remembered(merchant: Merchant, version: int | None, key: tuple[Any, ...], compute: Callable[[], T]) -> T:
    """`compute()`'s answer for this store and version, from the cache when it holds it."""
    if version is None:
        return compute()
    name = ":".join(["analytics", str(merchant.pk), str(version), *map(str, key)])
    try:
        found = cache.get(name)
    except Exception:  # noqa: BLE001 - a cache outage costs time, never the page
        logger.warning("Analytics cache unavailable; computing %s", name)
        return compute()
    if found is not None:
        return found
    answer = compute()
    try:
        cache.set(name, answer, CACHE_SECONDS)
    except Exception:  # noqa: BLE001
        logger.warning("Analytics cache unavailable; %s not kept", name)
    return answer


def top_products(merchant: Merchant, period: Period, version: int | None) -> list[dict[str, Any]]:
    return remembered(
        merchant, version, ("top", period.start, period.end), lambda: reports.top_products(merchant, period)
    )


def category_trends(merchant: Merchant, period: Period, version: int | None) -> list[dict[str, Any]]:
    return remembered(
        merchant, version, ("categories", period.start, period.end), lambda: reports.category_trends(merchant, period)
    )


def reorder_suggestions(merchant: Merchant, version: int | None, today: date | None = None) -> list[dict[str, Any]]:
    """Live stock, read only for the products whose stock is under the window's bound."""
    today = today or store_today(merchant)
    peak = remembered(merchant, version, ("reorder-peak", today), lambda: reports.recent_units_peak(merchant, today))
    if not peak:
        return []
    return reports.reorder_suggestions(merchant, today=today, stock_below=reports.reorder_stock_bound(peak))


def ranked_parts(merchant: Merchant, period: Period) -> dict[str, list[dict[str, Any]]]:
    """The summary's `top_products`, `reorder` and `categories`, exactly as reports computes them."""
    version = rollup_version(merchant)
    return {
        "top_products": top_products(merchant, period, version),
        "reorder": reorder_suggestions(merchant, version),
        "categories": category_trends(merchant, period, version),
    }
