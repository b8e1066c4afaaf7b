"""Webhook subscriptions: the catalog's products subscribed to the supplier's product, variant and stock messages.

CJ sends PRODUCT, VARIANT and STOCK messages only for subscribed products (CJ_API.md §10.1): subscribe ≤ 100
ids per call at 10 points a call, up to a cap set by the account's level. Imported products are subscribed,
deleted ones unsubscribed, and `reconcile_subscriptions` squares our records with CJ's own list. Calls are
background work: they never use the points kept for imports and orders.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from nexusone.accounts.models import Merchant
from nexusone.suppliers.actions import get_supplier_account
from nexusone.suppliers.base import SupplierError, SupplierQuotaExhausted
from nexusone.suppliers.budget import Purpose, spending
from nexusone.suppliers.models import SupplierAccount
from nexusone.suppliers.registry import get_supplier

from ..models import Product, ProductFreshness

logger = logging.getLogger(__name__)

SUBSCRIBE_BATCH = 100  # CJ's limit per subscribe call
# CJ caps subscriptions by account level: 1,000 at level 1 … 10,000 at level 5 (CJ_API.md §10.1); the steps in
# between are not documented, so they are spread evenly here.
SUBSCRIPTION_CAPS = {0: 1_000, 1: 1_000, 2: 3_250, 3: 5_500, 4: 7_750, 5: 10_000}


@dataclass
class SubscriptionResult:
    subscribed: int = 0
    unsubscribed: int = 0
    failed: int = 0
    confirmed: int = 0  # already subscribed at CJ, now recorded here
    stopped: str = ""  # why it stopped early (points, no connection)


def subscription_cap(account: SupplierAccount) -> int:
    return SUBSCRIPTION_CAPS.get(account.level if account.level is not None else 1, 1_000)


def _subscriber(merchant: Merchant) -> tuple[SupplierAccount | None, Any]:
    """The merchant's account and supplier client, when the supplier takes subscriptions."""
    account = get_supplier_account(merchant)
    if account is None:
        return None, None
    supplier = get_supplier(account)
    return (account, supplier) if hasattr(supplier, "subscribe_products") else (None, None)


def _mark_subscribed(merchant: Merchant, external_ids: Iterable[str], moment: Any) -> int:
    products = list(
        Product.objects.for_merchant(merchant).filter(external_id__in=list(external_ids)).only("pk", "merchant_id")
    )
    if products:
        ProductFreshness.objects.bulk_create(
            [ProductFreshness(product_id=p.pk, merchant_id=p.merchant_id, subscribed_at=moment) for p in products],
            update_conflicts=True,
            unique_fields=["product"],
            update_fields=["subscribed_at"],
        )
    return len(products)


def subscribe_products(merchant: Merchant) -> SubscriptionResult:
    """Subscribe the merchant's products that are not yet, oldest first, in batches, up to the account's cap."""
    result = SubscriptionResult()
    account, supplier = _subscriber(merchant)
    if supplier is None:
        result.stopped = "No CJ connection that takes webhook subscriptions."
        return result
    products = Product.objects.for_merchant(merchant).filter(supplier=account.supplier)
    already = products.filter(freshness__subscribed_at__isnull=False).count()
    room = max(0, subscription_cap(account) - already)
    pending = list(
        products.filter(freshness__subscribed_at__isnull=True)
        .order_by("created_at")
        .values_list("external_id", flat=True)[:room]
    )
    with spending(Purpose.BACKGROUND):
        for start in range(0, len(pending), SUBSCRIBE_BATCH):
            try:
                ok, failed = supplier.subscribe_products(pending[start : start + SUBSCRIBE_BATCH])
            except SupplierQuotaExhausted as exc:
                result.stopped = str(exc)
                break
            result.subscribed += _mark_subscribed(merchant, ok, timezone.now())
            result.failed += len(failed)
    return result


def unsubscribe_products(merchant: Merchant, external_ids: Iterable[str]) -> SubscriptionResult:
    """Stop CJ's messages for products the merchant deleted (unless another store on the account still has them)."""
    result = SubscriptionResult()
    account, supplier = _subscriber(merchant)
    ids = sorted(set(external_ids) - _catalog_ids(account)) if supplier is not None else []
    if not ids:
        return result
    with spending(Purpose.BACKGROUND):
        try:
            result.unsubscribed = len(supplier.unsubscribe_products(ids))
        except SupplierError as exc:
            result.stopped = str(exc)
    return result


def reconcile_subscriptions(merchant: Merchant) -> SubscriptionResult:
    """Square our records with CJ's list: record what CJ has, drop what no store carries, subscribe the rest."""
    account, supplier = _subscriber(merchant)
    if supplier is None:
        return SubscriptionResult(stopped="No CJ connection that takes webhook subscriptions.")
    at_cj = set(supplier.subscribed_products())
    ours = set(Product.objects.for_merchant(merchant).values_list("external_id", flat=True))
    ProductFreshness.objects.for_merchant(merchant).exclude(product__external_id__in=at_cj).update(subscribed_at=None)
    confirmed = _mark_subscribed(merchant, ours & at_cj, timezone.now())
    strays = sorted(at_cj - _catalog_ids(account))
    unsubscribed = 0
    if strays:
        with spending(Purpose.BACKGROUND):
            unsubscribed = len(supplier.unsubscribe_products(strays))
    result = subscribe_products(merchant)
    result.confirmed, result.unsubscribed = confirmed, unsubscribed
    return result


def _catalog_ids(account: SupplierAccount | None) -> set[str]:
    """Every product id carried by a store on the same CJ account (their subscriptions are shared)."""
    if account is None:
        return set()
    from nexusone.suppliers.cj.tokens import cj_account_key

    key = cj_account_key(account)
    merchants = [
        other.merchant_id
        for other in SupplierAccount.objects.filter(supplier=account.supplier)
        if other.pk == account.pk or cj_account_key(other) == key
    ]
    return set(
        Product.objects.filter(merchant_id__in=merchants, supplier=account.supplier).values_list(
            "external_id", flat=True
        )
    )
