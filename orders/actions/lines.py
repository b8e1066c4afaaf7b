"""An order as asked for (OrderInput, LineInput) and its items resolved to the merchant's variants."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet

from inventory.models import Variant
from nexusone.accounts.models import Merchant
from nexusone.suppliers.base import OrderLineRequest


@dataclass(frozen=True)
class LineInput:
    product_id: Any
    quantity: int
    variant_id: Any = None


@dataclass(frozen=True)
class OrderInput:
    reference: str
    customer_name: str
    customer_email: str
    shipping_address: dict[str, str]
    items: list[LineInput]
    customer_phone: str = ""
    shipping_method: str = ""


@dataclass
class ResolvedLine:
    index: int
    variant: Variant
    quantity: int


def catalog_variants(merchant: Merchant, items: list[LineInput]) -> QuerySet[Variant]:
    """The merchant's variants of every product the items name, with their products (in no particular order).

    Without the product's supplier payload (CJ's whole product record, often kilobytes): no order reads it."""
    product_ids = {str(item.product_id) for item in items}
    return (
        Variant.objects.for_merchant(merchant)
        .filter(product_id__in=product_ids)
        .select_related("product")
        .defer("product__supplier_data")
        .order_by()
    )


def resolve_lines(
    merchant: Merchant, items: list[LineInput], variants: list[Variant] | None = None
) -> list[ResolvedLine]:
    """Map requested items to the merchant's variants; unknown ones are a ValidationError naming the item.

    `variants`: the result of `catalog_variants(merchant, items)` when the caller has read it already."""
    if not items:
        raise ValidationError({"items": "An order needs at least one item."})
    if variants is None:
        variants = list(catalog_variants(merchant, items))
    by_id = {str(v.pk): v for v in variants}
    by_product: dict[str, list[Variant]] = {}
    for variant in variants:
        by_product.setdefault(str(variant.product_id), []).append(variant)
    errors: dict[str, str] = {}
    resolved = []
    for index, item in enumerate(items):
        if item.quantity is None or int(item.quantity) <= 0:
            errors[f"items.{index}.quantity"] = "Quantity must be at least 1."
            continue
        choices = by_product.get(str(item.product_id))
        if not choices:
            errors[f"items.{index}.product_id"] = f"No product {item.product_id} in your catalog."
            continue
        if item.variant_id:
            variant = by_id.get(str(item.variant_id))
            if variant is None or str(variant.product_id) != str(item.product_id):
                errors[f"items.{index}.variant_id"] = f"Product {item.product_id} has no variant {item.variant_id}."
                continue
        elif len(choices) == 1:
            variant = choices[0]
        else:
            errors[f"items.{index}.variant_id"] = "This product has several variants; say which one."
            continue
        resolved.append(ResolvedLine(index=index, variant=variant, quantity=int(item.quantity)))
    if errors:
        raise ValidationError(errors)
    return resolved


def supplier_lines(lines: list[ResolvedLine]) -> list[OrderLineRequest]:
    return [OrderLineRequest(variant_id=line.variant.external_id, quantity=line.quantity) for line in lines]


def unit_price(variant: Variant) -> Decimal:
    return variant.price or variant.product.price
