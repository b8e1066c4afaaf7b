"""Markup arithmetic for imported products: cost → selling price, two decimals, half up."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError

from .choices import MarkupType

CENT = Decimal("0.01")
DEFAULT_MARKUP: dict[str, str] = {"type": MarkupType.PERCENT, "value": "40"}
MAX_MARKUP_VALUE = Decimal("100000")


def clean_markup(markup: Any, *, field: str = "markup") -> dict[str, str]:
    """Validate a markup dict {"type": percent|fixed|multiplier, "value": "40"}; {} or None means the default."""
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
    if kind == MarkupType.MULTIPLIER and value == 0:
        raise ValidationError({field: "A multiplier must be above 0."})
    return {"type": kind, "value": str(value)}


def apply_markup(cost: Decimal, markup: dict[str, str]) -> Decimal:
    """The selling price for `cost` under `markup`, rounded to cents half up."""
    cost = Decimal(cost)
    value = Decimal(str(markup["value"]))
    kind = markup["type"]
    if kind == MarkupType.PERCENT:
        price = cost * (Decimal(100) + value) / Decimal(100)
    elif kind == MarkupType.FIXED:
        price = cost + value
    elif kind == MarkupType.MULTIPLIER:
        price = cost * value
    else:
        raise ValueError(f"Unknown markup type {kind!r}")
    return price.quantize(CENT, rounding=ROUND_HALF_UP)


def default_markup(merchant: Any) -> dict[str, str]:
    """The merchant's default markup, else 40 percent."""
    configured = getattr(merchant, "default_markup", None)
    if isinstance(configured, dict) and configured:
        return clean_markup(configured)
    return dict(DEFAULT_MARKUP)
