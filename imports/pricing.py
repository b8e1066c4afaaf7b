"""Markup for imported products. The arithmetic is inventory's (`inventory.pricing.price_for`): one rule everywhere."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError

from inventory.pricing import PriceRule, price_for

from .choices import MarkupType

MAX_MARKUP_VALUE = Decimal("100000")


def clean_markup(markup: Any, *, field: str = "markup") -> dict[str, str]:
    """Validate a markup {"type": percent|fixed|multiplier, "value": "40"}; {} or None means the store default."""
    if markup in (None, {}, ""):
        return {}
    if not isinstance(markup, dict):
        raise ValidationError({field: 'Give an object like {"type": "percent", "value": "40"}.'})
    unknown = set(markup) - {"type", "value"}
    if unknown:
        raise ValidationError({field: f"Unknown markup keys: {', '.join(sorted(unknown))}."})
    kind = markup.get("type")
    if kind not in MarkupType.values:
        raise ValidationError({field: f"Markup type must be one of {', '.join(MarkupType.values)}."})
    try:
        value = Decimal(str(markup.get("value")))
    except (InvalidOperation, ValueError):
        raise ValidationError({field: "Markup value must be a number."}) from None
    if not value.is_finite() or value < 0 or value > MAX_MARKUP_VALUE:
        raise ValidationError({field: f"Markup value must be between 0 and {MAX_MARKUP_VALUE}."})
    if kind == MarkupType.MULTIPLIER and value < 1:
        raise ValidationError({field: "A multiplier below 1 would sell under cost."})
    return {"type": kind, "value": str(value)}


def apply_markup(cost: Decimal, markup: dict[str, str], base: PriceRule | None = None) -> Decimal:
    """The selling price for `cost`: `base` (the store's pricing rule) with `markup` in place of its markup."""
    return price_for(cost, (base or PriceRule()).with_markup(markup))


def pricing_rule_for(merchant: Any, markup: dict[str, str] | None) -> PriceRule:
    """The store's default pricing rule (rounding, minimum profit) with the import's markup, if it has one."""
    from inventory.actions import default_rule, get_inventory_settings

    return default_rule(get_inventory_settings(merchant)).with_markup(markup or None)
