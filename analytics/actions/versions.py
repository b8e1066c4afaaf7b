"""The store's rollup version, and the summary cached under it, so a summary costs the same at any size.

The summary's figures are read from rollups, but some of them still grow with the store: top products and
category trends rank every product sold in the period (~48,000 product days at 100,000 orders a year over
90 days), and the fulfillment histograms of a busy store's days fill every bucket. So the summary (all but
its reorder list) is cached under the store's `RollupVersion`, which moves in the same transaction as
anything the summary reads: every rollup writer calls `bump_version` (an order's contribution changed, a
rebuild, a rating, a stock snapshot; storefront events, which the summary does not read, do not), and
PostgreSQL triggers (migration 0004) move it when the catalog the summary shows changes (a product's name or
category, a product deleted, a category renamed). A cached summary is therefore never stale: a summary read
again (range presets, the dashboard, several members of a store) costs a row and a cache read.

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
from .periods import store_today

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
    """Something the summary reads changed: call inside the transaction that changed it (a bump committed
    before the change would let a reader cache the old figures under the new version)."""
    merchant = RollupVersion._meta.get_field("merchant").get_db_prep_value(merchant_id, connection)
    with connection.cursor() as cursor:
        cursor.execute(BUMP_SQL, [merchant])


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


def reorder_suggestions(
    merchant: Merchant, version: int | None, today: date | None = None, limit: int = 20
) -> list[dict[str, Any]]:
    """Live stock, read only for the products whose stock is under the window's bound."""
    today = today or store_today(merchant)
    peak = remembered(merchant, version, ("reorder-peak", today), lambda: reports.recent_units_peak(merchant, today))
    if not peak:
        return []
    bound = reports.reorder_stock_bound(peak)
    return reports.reorder_suggestions(merchant, limit=limit, today=today, stock_below=bound)
