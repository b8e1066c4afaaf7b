"""Comparing what the supplier says with the database: the rows to write and one change record per move.

`diff_products` mutates the product objects to their new state; a product is missing (gone at the
supplier), present (stock, costs and prices follow it), or its cost move is held for review.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, NamedTuple

from ...choices import ChangeKind, ChangeStatus
from ...models import InventorySettings, Product, SyncChange, Variant
from ...pricing import CENT, PriceRule, price_for
from ..pricing import rule_for_product
from .fetch import Fetched

SYNC_STATE_FIELDS = (
    "supplier_stock",
    "cost_price",
    "price",
    "is_active",
    "is_available",
    "auto_deactivated",
    "missing_count",
)
ACTIVE = SYNC_STATE_FIELDS.index("is_active")
MISSING_SYNCS_BEFORE_DEACTIVATION = 2


@dataclass
class SyncContext:
    settings: InventorySettings
    base_rule: PriceRule
    countries: frozenset[str] | None
    now: Any
    dry_run: bool = False


class ProductRow(NamedTuple):
    """One changed product for the write phase (the supplier stock as read guards the conditional update).

    Its sellable stock is not written from here: the write phase sums it from the variants (inventory.stock)."""

    id: Any
    old_stock: int
    supplier_stock: int
    cost_price: Decimal
    price: Decimal
    is_active: bool
    is_available: bool
    auto_deactivated: bool
    missing_count: int
    # The sync turned the product off (CJ lost it). Otherwise `is_active`/`auto_deactivated` as read are not
    # written back: an order or the stock rules may have changed them since the read.
    deactivates: bool = False


class VariantRow(NamedTuple):
    """One changed variant: its supplier stock as read, the supplier's new count, cost and price."""

    id: Any
    old_stock: int
    supplier_stock: int
    cost_price: Decimal
    price: Decimal


@dataclass
class Diff:
    product_rows: list[ProductRow] = field(default_factory=list)
    variant_rows: list[VariantRow] = field(default_factory=list)
    changes: list[SyncChange] = field(default_factory=list)


def _record(diff: Diff, product: Product, **fields: Any) -> None:
    """One change record of the product (its variant's, when `variant` is given)."""
    diff.changes.append(SyncChange(merchant_id=product.merchant_id, product=product, **fields))


def sync_state(product: Product) -> tuple:
    """The product fields a sync may change: equal before and after means nothing to write."""
    return tuple(getattr(product, name) for name in SYNC_STATE_FIELDS)


def diff_products(
    products: Sequence[Product],
    fetched: dict[Any, Fetched],
    context: SyncContext,
    awaiting_review: dict[Any, Decimal] | None = None,
) -> tuple[list[ProductRow], list[VariantRow], list[SyncChange]]:
    """Compare supplier data with the database. Mutates the product objects to their new state.

    `awaiting_review` maps product ids to the new cost of their held change: the same move seen
    again is not recorded twice.
    """
    awaiting_review = awaiting_review or {}
    diff = Diff()
    for product in products:
        data = fetched[product.pk]
        first_variant_row = len(diff.variant_rows)
        before = sync_state(product)
        old_stock = product.supplier_stock
        if data.stock_only:
            _diff_stock_only(product, data, context, diff)
        elif data.product is None:
            _diff_missing(product, diff)
        else:
            _diff_present(product, data, context, awaiting_review.get(product.pk), diff)
        after = sync_state(product)
        # A product whose variants changed is written too: its sums follow them in the same statement.
        if after != before or len(diff.variant_rows) > first_variant_row:
            deactivates = before[ACTIVE] and not product.is_active
            diff.product_rows.append(ProductRow(product.pk, old_stock, *after, deactivates=deactivates))
    return diff.product_rows, diff.variant_rows, diff.changes


def _diff_missing(product: Product, diff: Diff) -> None:
    """The supplier says the product is gone: deactivate it once two syncs in a row agree."""
    product.missing_count += 1
    if product.missing_count < MISSING_SYNCS_BEFORE_DEACTIVATION or not (product.is_available or product.is_active):
        return
    product.is_available = False
    product.is_active = False
    product.auto_deactivated = False
    _record(
        diff,
        product,
        kind=ChangeKind.AVAILABILITY,
        old_stock=product.supplier_stock,
        new_stock=product.supplier_stock,
        note="CJ no longer has this product (two syncs in a row); deactivated.",
    )


def _diff_stock_only(product: Product, data: Fetched, context: SyncContext, diff: Diff) -> None:
    """A stock-only read: each variant's stock follows the supplier; costs, prices and availability stay."""
    stock = data.stock or {}
    variants = list(product.variants.all())
    old_stock = product.supplier_stock
    if variants:
        unchanged_costs = {v.pk: v.cost_price for v in variants}
        rule = rule_for_product(product, context.base_rule)
        product.supplier_stock = _diff_variants(product, variants, stock, unchanged_costs, False, rule, context, diff)
    else:
        product.supplier_stock = sum(level.total(context.countries) for level in stock.values())
        if product.supplier_stock != old_stock:
            _record(diff, product, kind=ChangeKind.STOCK, old_stock=old_stock, new_stock=product.supplier_stock)
    product.missing_count = 0


def _diff_present(
    product: Product, data: Fetched, context: SyncContext, awaiting_cost: Decimal | None, diff: Diff
) -> None:
    """Stock, costs and prices follow the supplier (a cost move beyond the guardrail waits for review)."""
    supplier_product = data.product
    assert supplier_product is not None
    stock = data.stock or {}
    rule = rule_for_product(product, context.base_rule)
    variants = list(product.variants.all())
    new_costs = _new_variant_costs(variants, supplier_product)
    new_product_cost = min(new_costs.values()) if new_costs else supplier_product.cost_price.quantize(CENT)
    held = _hold_cost_move(product, new_product_cost, new_costs, rule, context, awaiting_cost, diff)
    old_stock = product.supplier_stock
    if variants:
        product.supplier_stock = _diff_variants(product, variants, stock, new_costs, held, rule, context, diff)
    else:
        product.supplier_stock = sum(level.total(context.countries) for level in stock.values())
    if new_product_cost != product.cost_price and not held:
        product.cost_price = new_product_cost
        if not product.price_locked:
            product.price = price_for(new_product_cost, rule)
    product.is_available = supplier_product.on_sale
    product.missing_count = 0
    if not variants and product.supplier_stock != old_stock:
        _record(
            diff,
            product,
            kind=ChangeKind.STOCK,
            old_stock=old_stock,
            new_stock=product.supplier_stock,
        )


def _new_variant_costs(variants: Sequence[Variant], supplier_product: Any) -> dict[Any, Decimal]:
    """Each variant's cost at the supplier (a variant the supplier no longer lists keeps its cost)."""
    supplier_variants = {v.variant_id: v for v in supplier_product.variants}
    return {
        v.pk: (
            supplier_variants[v.external_id].cost_price.quantize(CENT)
            if v.external_id in supplier_variants
            else v.cost_price
        )
        for v in variants
    }


def _hold_cost_move(
    product: Product,
    new_cost: Decimal,
    new_costs: dict[Any, Decimal],
    rule: PriceRule,
    context: SyncContext,
    awaiting_cost: Decimal | None,
    diff: Diff,
) -> bool:
    """Whether the cost moved beyond the merchant's guardrail; a move not already awaiting review is recorded held."""
    if new_cost == product.cost_price or product.cost_price <= 0:
        return False
    guardrail = context.settings.price_guardrail_percent
    if abs(new_cost - product.cost_price) / product.cost_price * 100 <= guardrail:
        return False
    if awaiting_cost != new_cost:
        _record(
            diff,
            product,
            kind=ChangeKind.PRICE,
            status=ChangeStatus.HELD,
            old_cost=product.cost_price,
            new_cost=new_cost,
            old_price=product.price,
            new_price=product.price if product.price_locked else price_for(new_cost, rule),
            note=f"Cost moved more than the {guardrail}% guardrail; approve or reject it.",
            details={"variants": {str(pk): str(cost) for pk, cost in new_costs.items()}},
        )
    return True


def _diff_variants(
    product: Product,
    variants: Sequence[Variant],
    stock: dict[str, Any],
    new_costs: dict[Any, Decimal],
    held: bool,
    rule: PriceRule,
    context: SyncContext,
    diff: Diff,
) -> int:
    """Each variant's stock, cost and price; what moved becomes a row and a change. Returns the stock total."""
    stock_total = 0
    for variant in variants:
        level = stock.get(variant.external_id)
        new_stock = level.total(context.countries) if level is not None else 0
        stock_total += new_stock
        new_cost = variant.cost_price if held else new_costs[variant.pk]
        new_price = variant.price
        if new_cost != variant.cost_price and not product.price_locked:
            new_price = price_for(new_cost, rule)
        if (new_stock, new_cost, new_price) == (variant.supplier_stock, variant.cost_price, variant.price):
            continue
        diff.variant_rows.append(VariantRow(variant.pk, variant.supplier_stock, new_stock, new_cost, new_price))
        _record(
            diff,
            product,
            variant=variant,
            kind=ChangeKind.PRICE if new_cost != variant.cost_price else ChangeKind.STOCK,
            old_stock=variant.supplier_stock,
            new_stock=new_stock,
            old_cost=variant.cost_price,
            new_cost=new_cost,
            old_price=variant.price,
            new_price=new_price,
        )
        variant.supplier_stock, variant.cost_price, variant.price = new_stock, new_cost, new_price
    return stock_total
