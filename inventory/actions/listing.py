"""What the catalog page shows of each product: its stock status and when a sync last confirmed it."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from ..choices import SyncStatus
from ..models import Product, SyncRun

if TYPE_CHECKING:
    from nexusone.accounts.models import Merchant


@dataclass(frozen=True)
class CatalogRow:
    product: Product
    status: str  # StockStatus against the merchant's threshold (or the product's own)
    synced_at: datetime | None


def last_full_sync_at(merchant: Merchant) -> datetime | None:
    """When the merchant's last full sync that succeeded (and wrote: not a dry run) finished."""
    return (
        SyncRun.objects.for_merchant(merchant)
        .filter(is_full=True, status=SyncStatus.SUCCEEDED, dry_run=False)
        .order_by("-finished_at")
        .values_list("finished_at", flat=True)
        .first()
    )


def catalog_rows(merchant: Merchant, products: Iterable[Product], threshold: int) -> list[CatalogRow]:
    """The products as catalog rows.

    A sync rewrites only the rows that changed, so a product was last confirmed at the later of its own
    last sync and the last full sync that succeeded."""
    last_full = last_full_sync_at(merchant)
    return [CatalogRow(p, p.stock_status(threshold), _later(p.last_sync_at, last_full)) for p in products]


def _later(first: datetime | None, second: datetime | None) -> datetime | None:
    return max((t for t in (first, second) if t is not None), default=None)
