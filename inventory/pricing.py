"""Pricing as a small strategy object: a supplier cost and a rule give a selling price.

The one markup rule too (`parse_markup`, `clean_markup`): products, settings, bulk edits and imports all use it."""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError

from .choices import MarkupType

CENT = Decimal("0.01")
MAX_MARKUP_VALUE = Decimal("100000")


@dataclass(frozen=True)
class PriceRule:
    markup_type: str = MarkupType.PERCENT
    markup_value: Decimal = Decimal("40")
    round_to_99: bool = False
    minimum_profit: Decimal = Decimal("0")

    def with_markup(self, markup: dict[str, Any] | None) -> PriceRule:
        """This rule with a product's own markup (`{"type", "value"}`) in place of the rule's."""
        if not markup:
            return self
        markup_type, value = parse_markup(markup)
        return replace(self, markup_type=markup_type, markup_value=value)

    def as_markup(self) -> dict[str, str]:
        return {"type": str(self.markup_type), "value": str(self.markup_value)}


def parse_markup(markup: Any, *, field: str = "markup") -> tuple[str, Decimal]:
    """Validate `{"type": "percent"|"fixed"|"multiplier", "value": "40"}`; a ValidationError names `field`."""
    if not isinstance(markup, dict):
        raise ValidationError({field: 'Give an object like {"type": "percent", "value": "40"}.'})
    unknown = set(markup) - {"type", "value"}
    if unknown:
        raise ValidationError({field: f"Unknown markup keys: {', '.join(sorted(map(str, unknown)))}."})
    markup_type = markup.get("type")
    if markup_type not in MarkupType.values:
        raise ValidationError({field: f"Markup type must be one of {', '.join(MarkupType.values)}."})
    try:
        value = Decimal(str(markup.get("value")))
    except (InvalidOperation, ValueError):
        raise ValidationError({field: "Markup value must be a number."}) from None
    if not value.is_finite() or value < 0 or value > MAX_MARKUP_VALUE:
        raise ValidationError({field: f"Markup value must be between 0 and {MAX_MARKUP_VALUE}."})
    if markup_type == MarkupType.MULTIPLIER and value < 1:
        raise ValidationError({field: "A multiplier below 1 would sell under cost."})
    return markup_type, value


def clean_markup(markup: Any, *, field: str = "markup") -> dict[str, str]:
    """A markup as products and imports store it; {} (or None) means the store's default rule."""
    if markup is None or markup == {}:
        return {}
    markup_type, value = parse_markup(markup, field=field)
    return {"type": markup_type, "value": str(value)}


def price_for(cost: Decimal | str | int, rule: PriceRule) -> Decimal:
    """The selling price for `cost` under `rule`, in cents; never below cost plus the minimum profit."""
    cost = Decimal(str(cost))
    if rule.markup_type == MarkupType.FIXED:
        price = cost + rule.markup_value
    elif rule.markup_type == MarkupType.MULTIPLIER:
        price = cost * rule.markup_value
    else:
        price = cost * (1 + rule.markup_value / 100)
    if price - cost < rule.minimum_profit:
        price = cost + rule.minimum_profit
    price = price.quantize(CENT, rounding=ROUND_HALF_UP)
    if rule.round_to_99 and price > 0:
        price = price.to_integral_value(rounding="ROUND_FLOOR") + Decimal("0.99")
    return max(price, Decimal("0.00"))
