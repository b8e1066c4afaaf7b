"""Applying pricing rules to rows: preview a new default rule, apply it, reprice products after a markup edit."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from nexusone.core.audit import record_event

from ..models import Product, Variant
from ..pricing import PriceRule, price_for
from .preferences import get_inventory_settings, update_default_rule

if TYPE_CHECKING:
    from nexusone.accounts.models import Merchant, User


def follows_default(products: QuerySet[Product]) -> QuerySet[Product]:
    """The products priced by the default rule alone: not locked, no rule or markup of their own."""
    return products.filter(price_locked=False, pricing_rule__isnull=True).filter(Q(markup={}) | Q(markup__isnull=True))


@dataclass(frozen=True)
class PricePreview:
    product: Product
    old_price: Decimal
    new_price: Decimal


def preview_pricing(merchant: Merchant, rule: PriceRule, *, limit: int | None = None) -> list[PricePreview]:
    """What the default rule `rule` would do to the prices of unlocked products that follow the default."""
    products = follows_default(Product.objects.for_merchant(merchant)).order_by("name")
    previews = []
    for product in products.iterator(chunk_size=500):
        new_price = price_for(product.cost_price, rule)
        if new_price != product.price:
            previews.append(PricePreview(product, product.price, new_price))
            if limit is not None and len(previews) >= limit:
                break
    return previews


def apply_pricing_rule(merchant: Merchant, rule: PriceRule, *, by: User | None = None) -> int:
    """Make `rule` the merchant's default and reprice the unlocked products that follow it. Returns how many."""
    with transaction.atomic():
        inventory_settings = get_inventory_settings(merchant)
        update_default_rule(
            inventory_settings,
            {
                "markup_type": rule.markup_type,
                "markup_value": rule.markup_value,
                "round_to_99": rule.round_to_99,
                "minimum_profit": rule.minimum_profit,
            },
        )
        products = list(follows_default(Product.objects.for_merchant(merchant)).prefetch_related("variants"))
        changed = reprice(products, lambda product: rule)
        record_event(
            "inventory.pricing_applied",
            merchant=merchant,
            actor=by,
            data={"rule": rule.as_markup(), "round_to_99": rule.round_to_99, "repriced": changed},
        )
    return changed


def reprice(products: Sequence[Product], rule_of: Callable[[Product], PriceRule]) -> int:
    """Recompute product and variant prices from costs (locked prices kept), in bulk; returns products repriced."""
    product_rows, variant_rows = [], []
    for product in products:
        if product.price_locked:
            continue
        rule = rule_of(product)
        new_price = price_for(product.cost_price, rule)
        if new_price != product.price:
            product.price = new_price
            product_rows.append(product)
        for variant in product.variants.all():
            variant_price = price_for(variant.cost_price, rule)
            if variant_price != variant.price:
                variant.price = variant_price
                variant_rows.append(variant)
    now = timezone.now()
    for row in (*product_rows, *variant_rows):
        row.updated_at = now
    Product.objects.bulk_update(product_rows, ["price", "updated_at"], batch_size=500)
    Variant.objects.bulk_update(variant_rows, ["price", "updated_at"], batch_size=500)
    return len(product_rows)
