"""Held supplier cost moves (beyond the merchant's guardrail): approve, reject, or superseded by a newer one."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone

from nexusone.core.audit import record_event

from ..choices import CHANGE_TRANSITIONS, ChangeStatus
from ..models import Product, SyncChange, Variant
from ..pricing import price_for
from .preferences import get_inventory_settings
from .pricing import default_rule, rule_for_product

if TYPE_CHECKING:
    from nexusone.accounts.models import User


def _decide(change: SyncChange, status: str, verb: str, *, by: User | None) -> None:
    """Move a locked held change to its decision (the table refuses a second decision)."""
    message = f"This change is {change.status}; only held changes can be {verb}."
    CHANGE_TRANSITIONS.check(change.status, status, message=message)
    change.status = status
    change.decided_by = by
    change.decided_at = timezone.now()


def approve_change(change: SyncChange, *, by: User | None = None) -> SyncChange:
    """Apply a held supplier cost move (and its price, unless the price is locked)."""
    with transaction.atomic():
        change = SyncChange.objects.select_for_update().select_related("product").get(pk=change.pk)
        _decide(change, ChangeStatus.APPLIED, "approved", by=by)
        locked = Product.objects.select_for_update(of=("self",)).select_related("pricing_rule")
        product = locked.get(pk=change.product_id)
        _apply_costs(product, change.new_cost, change.details.get("variants", {}))
        change.new_price = product.price
        change.save(update_fields=["status", "new_price", "decided_by", "decided_at"])
        record_event(
            "inventory.change_approved",
            merchant=product.merchant,
            actor=by,
            target=product,
            data={"change_id": str(change.pk), "new_cost": str(change.new_cost)},
        )
    return change


def _apply_costs(product: Product, new_cost: Decimal, variant_costs: dict[str, str]) -> None:
    """The product's and its variants' new costs, and their prices under its rule unless its price is locked."""
    rule = rule_for_product(product, default_rule(get_inventory_settings(product.merchant)))
    variants = list(product.variants.filter(pk__in=list(variant_costs)))
    for variant in variants:
        variant.cost_price = Decimal(variant_costs[str(variant.pk)])
        if not product.price_locked:
            variant.price = price_for(variant.cost_price, rule)
    Variant.objects.bulk_update(variants, ["cost_price", "price"])
    product.cost_price = new_cost
    if not product.price_locked:
        product.price = price_for(new_cost, rule)
    product.save(update_fields=["cost_price", "price", "updated_at"])


def reject_change(change: SyncChange, *, by: User | None = None) -> SyncChange:
    """Keep the current cost and price; the supplier's move is recorded as rejected."""
    with transaction.atomic():
        change = SyncChange.objects.select_for_update().get(pk=change.pk)
        _decide(change, ChangeStatus.REJECTED, "rejected", by=by)
        change.save(update_fields=["status", "decided_by", "decided_at"])
        record_event(
            "inventory.change_rejected",
            merchant=change.merchant,
            actor=by,
            data={"change_id": str(change.pk), "product_id": str(change.product_id)},
        )
    return change


def supersede_held(merchant_id: Any, new_held: Sequence[SyncChange]) -> None:
    """A newer held move of the same product replaces the older one awaiting review."""
    if not new_held:
        return
    SyncChange.objects.filter(
        merchant_id=merchant_id,
        status__in=CHANGE_TRANSITIONS.sources(ChangeStatus.REJECTED),
        product_id__in=[c.product.pk for c in new_held],
    ).update(status=ChangeStatus.REJECTED, note="Superseded by a newer supplier price.", decided_at=timezone.now())
