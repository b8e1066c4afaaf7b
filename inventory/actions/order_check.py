"""Stock checks at order time: the ordered products' stock is read again when the last read is too old.

Charged to the points reserve (foreground), so a day of background refreshes never stops an order's check;
a check that fails (points, CJ down) says so and lets the order go on: CJ has the final word on stock.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from nexusone.accounts.models import Merchant

from ..choices import SyncTrigger
from ..models import Product, SyncRun

DEFAULT_RECHECK_MINUTES = 30


def recheck_minutes() -> int:
    return int(getattr(settings, "ORDER_STOCK_RECHECK_MINUTES", DEFAULT_RECHECK_MINUTES))


def stale_products(merchant: Merchant, product_ids: Iterable[Any]) -> list[str]:
    """Of these products, those whose stock was never read or not within the recheck window."""
    cutoff = timezone.now() - timedelta(minutes=recheck_minutes())
    fresh = Q(freshness__stock_read_at__gte=cutoff)
    ids = [pk for pk in product_ids if pk is not None]
    return [
        str(pk)
        for pk in Product.objects.for_merchant(merchant).filter(pk__in=ids).exclude(fresh).values_list("pk", flat=True)
    ]


def recheck_stock_for_order(merchant: Merchant, product_ids: Iterable[Any]) -> SyncRun | None:
    """Read the stock of the ordered products whose last read is older than the setting; None when all are fresh."""
    from .sync.run import start_sync

    stale = stale_products(merchant, product_ids)
    if not stale:
        return None
    return start_sync(merchant, SyncTrigger.ORDER_CHECK, product_ids=stale, stock_only_ids=stale, run_now=True)
