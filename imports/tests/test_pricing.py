from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from imports.pricing import apply_markup, clean_markup, pricing_rule_for
from inventory.actions import get_inventory_settings
from inventory.pricing import PriceRule
from tests.factories import MerchantFactory


@pytest.mark.parametrize(
    ("cost", "markup", "price"),
    [
        ("4.00", {"type": "percent", "value": "40"}, "5.60"),
        ("2.50", {"type": "percent", "value": "33"}, "3.33"),  # 3.325 rounds half up
        ("0.99", {"type": "percent", "value": "0"}, "0.99"),
        ("1.15", {"type": "percent", "value": "12.5"}, "1.29"),  # 1.29375
        ("4.00", {"type": "fixed", "value": "3.5"}, "7.50"),
        ("4.005", {"type": "fixed", "value": "0"}, "4.01"),
        ("3.33", {"type": "multiplier", "value": "2.5"}, "8.33"),  # 8.325
        ("10.00", {"type": "multiplier", "value": "1"}, "10.00"),
        ("0.10", {"type": "multiplier", "value": "3"}, "0.30"),
    ],
)
def test_markup_gives_prices_in_cents_rounded_half_up(cost, markup, price):
    assert apply_markup(Decimal(cost), markup) == Decimal(price)


def test_prices_are_decimals_with_two_places():
    price = apply_markup(Decimal("4"), {"type": "percent", "value": "40"})
    assert isinstance(price, Decimal)
    assert price.as_tuple().exponent == -2


@pytest.mark.parametrize(
    "markup",
    [
        {"type": "percent"},
        {"type": "discount", "value": "10"},
        {"type": "percent", "value": "-5"},
        {"type": "percent", "value": "abc"},
        {"type": "multiplier", "value": "0"},
        {"type": "multiplier", "value": "0.5"},
        {"type": "fixed", "value": "1", "extra": "x"},
        "40%",
    ],
)
def test_bad_markups_are_refused_naming_the_markup_field(markup):
    with pytest.raises(ValidationError) as error:
        clean_markup(markup)
    assert "markup" in error.value.error_dict


def test_no_markup_means_the_stores_default_pricing_rule(db):
    merchant = MerchantFactory()
    assert clean_markup(None) == {}
    assert apply_markup(Decimal("10"), {}, pricing_rule_for(merchant, {})) == Decimal("14.00")
    rule = get_inventory_settings(merchant).default_pricing_rule
    rule.markup_type, rule.markup_value = "fixed", Decimal("2")
    rule.save()
    assert apply_markup(Decimal("10"), {}, pricing_rule_for(merchant, None)) == Decimal("12.00")


def test_an_import_markup_replaces_the_store_markup_but_keeps_its_rounding(db):
    merchant = MerchantFactory()
    rule = get_inventory_settings(merchant).default_pricing_rule
    rule.round_to_99 = True
    rule.save()
    base = pricing_rule_for(merchant, {"type": "percent", "value": "50"})
    assert apply_markup(Decimal("4.00"), {}, base) == Decimal("6.99")
    assert apply_markup(Decimal("4.00"), {"type": "fixed", "value": "1"}, PriceRule()) == Decimal("5.00")
