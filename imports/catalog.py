"""Browsing the supplier's catalog before an import: its category tree, and searches that say what is imported.

Views call these instead of the supplier: the tree is cached per supplier account (it changes rarely and a
catalog page asks for it on every visit), and each result page costs one query to mark what the merchant's
catalog already holds.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from django.core.cache import cache

from inventory.models import Product
from nexusone.accounts.models import Merchant
from nexusone.suppliers.actions import get_supplier_account
from nexusone.suppliers.base import CategoryNode, ProductSummary
from nexusone.suppliers.errors import SupplierNotConnected
from nexusone.suppliers.models import SupplierAccount
from nexusone.suppliers.registry import get_supplier

from .actions.start import NOT_CONNECTED_MESSAGE

CATEGORY_CACHE_SECONDS = 6 * 60 * 60
MAX_PAGE = 1000  # CJ pages no further


@dataclass(frozen=True)
class CatalogResult:
    """A supplier product as a search shows it, with our product when it is already in the catalog."""

    summary: ProductSummary
    product_id: uuid.UUID | None = None

    @property
    def imported(self) -> bool:
        return self.product_id is not None


@dataclass(frozen=True)
class CatalogPage:
    items: tuple[CatalogResult, ...]
    page: int
    page_size: int
    total: int

    @property
    def pages(self) -> int:
        return min(max(1, -(-self.total // max(self.page_size, 1))), MAX_PAGE)


def _connected_account(merchant: Merchant) -> SupplierAccount:
    account = get_supplier_account(merchant)
    if account is None:
        raise SupplierNotConnected(NOT_CONNECTED_MESSAGE)
    return account


def _category_cache_key(account: SupplierAccount) -> str:
    return f"imports:categories:{account.supplier}:{account.pk}"


def category_tree(merchant: Merchant) -> list[CategoryNode]:
    """The supplier's category tree, read once per account every few hours. Supplier errors propagate."""
    account = _connected_account(merchant)
    key = _category_cache_key(account)
    tree = cache.get(key)
    if tree is None:
        tree = get_supplier(account).list_categories()
        cache.set(key, tree, CATEGORY_CACHE_SECONDS)
    return tree


def search_catalog(
    merchant: Merchant, keyword: str = "", *, category_id: str = "", page: int = 1, page_size: int = 20
) -> CatalogPage:
    """One page of the supplier's search, each product marked when the merchant's catalog already has it."""
    account = _connected_account(merchant)
    found = get_supplier(account).search_products(
        keyword.strip(), category_id=category_id, page=max(1, min(page, MAX_PAGE)), page_size=page_size
    )
    pids = [item.product_id for item in found.items]
    ours = dict(
        Product.objects.for_merchant(merchant)
        .filter(supplier=account.supplier, external_id__in=pids)
        .values_list("external_id", "pk")
    )
    items = tuple(CatalogResult(summary=item, product_id=ours.get(item.product_id)) for item in found.items)
    return CatalogPage(items=items, page=found.page, page_size=found.page_size, total=found.total)
