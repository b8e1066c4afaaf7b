"""Which of a page's CJ product ids are already in the merchant's catalog (the Chrome extension asks once per page)."""

from __future__ import annotations

from django.db.models import QuerySet

from nexusone.accounts.models import Merchant

from .models import Product

MAX_LOOKUP_IDS = 200


def find_imported_products(merchant: Merchant, pids: list[str], *, supplier: str = "cj") -> QuerySet[Product]:
    """The merchant's products among `pids` (CJ PIDs, upper-case), one query, in no particular order."""
    return (
        Product.objects.for_merchant(merchant)
        .filter(supplier=supplier, external_id__in=pids)
        .only("id", "external_id", "name", "is_active")
    )
