"""The merchant's pricing rules as `PriceRule`s: the default, a product's, an import's (math: inventory.pricing)."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError

from ..models import InventorySettings, PricingRule, Product
from ..pricing import PriceRule, price_for
from .preferences import get_inventory_settings

if TYPE_CHECKING:
    from nexusone.accounts.models import Merchant


def rule_from_model(rule: PricingRule) -> PriceRule:
    return PriceRule(rule.markup_type, rule.markup_value, rule.round_to_99, rule.minimum_profit)


def default_rule(inventory_settings: InventorySettings) -> PriceRule:
    rule = inventory_settings.default_pricing_rule
    return rule_from_model(rule) if rule is not None else PriceRule()


def rule_with_markup(merchant: Merchant, markup: dict[str, Any] | None) -> PriceRule:
    """The merchant's default rule (rounding, minimum profit) with `markup` in place of its markup, if given."""
    return default_rule(get_inventory_settings(merchant)).with_markup(markup or None)


def compute_price(merchant: Merchant, cost: Decimal | str, markup: dict[str, Any] | None = None) -> Decimal:
    """The price of `cost` under the merchant's default rule, or `markup` in place of its markup."""
    return price_for(cost, rule_with_markup(merchant, markup))


def rule_for_product(product: Product, base: PriceRule) -> PriceRule:
    """The product's rule: its own pricing rule or the default, with the product's own markup on top."""
    rule = rule_from_model(product.pricing_rule) if product.pricing_rule_id and product.pricing_rule else base
    try:
        return rule.with_markup(product.markup)
    except ValidationError:
        return rule
