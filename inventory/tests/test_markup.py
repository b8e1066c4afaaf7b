from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from inventory.actions import get_inventory_settings, rule_with_markup
from inventory.pricing import PriceRule, clean_markup, price_for
from tests.factories import MerchantFactory


def priced(cost: Decimal, markup: dict, base: PriceRule | None = None) -> Decimal:
    return price_for(cost, (base or PriceRule()).with_markup(markup))


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
    assert priced(Decimal(cost), markup) == Decimal(price)


def test_prices_are_decimals_with_two_places():
    price = priced(Decimal("4"), {"type": "percent", "value": "40"})
    assert isinstance(price, Decimal)
    assert price.as_tuple().exponent == -2


@pytest.mark.parametrize(
    "markup",
    [
        {"type": "percent"},
        {"type": "discount", "value": "10"},
        {"type": "percent", "value": "-5"},
        {"type": "percent", "value": "abc"},
        {"type": "percent", "value": "100001"},
        {"type": "multiplier", "value": "0"},
        {"type": "multiplier", "value": "0.5"},
        {"type": "fixed", "value": "1", "extra": "x"},
        "40%",
        "",
    ],
)
def test_bad_markups_are_refused_naming_the_markup_field(markup):
    with pytest.raises(ValidationError) as error:
        clean_markup(markup)
    assert "markup" in error.value.error_dict


def test_a_markup_is_stored_with_its_value_as_a_decimal_string():
    assert clean_markup({"type": "fixed", "value": 2.5}) == {"type": "fixed", "value": "2.5"}


def test_no_markup_means_the_stores_default_pricing_rule(db):
    merchant = MerchantFactory()
    assert clean_markup(None) == {}
    assert priced(Decimal("10"), {}, rule_with_markup(merchant, {})) == Decimal("14.00")
    rule = get_inventory_settings(merchant).default_pricing_rule
    rule.markup_type, rule.markup_value = "fixed", Decimal("2")
    rule.save()
    assert priced(Decimal("10"), {}, rule_with_markup(merchant, None)) == Decimal("12.00")


def test_an_import_markup_replaces_the_store_markup_but_keeps_its_rounding(db):
    merchant = MerchantFactory()
    rule = get_inventory_settings(merchant).default_pricing_rule
    rule.round_to_99 = True
    rule.save()
    base = rule_with_markup(merchant, {"type": "percent", "value": "50"})
    assert priced(Decimal("4.00"), {}, base) == Decimal("6.99")
    assert priced(Decimal("4.00"), {"type": "fixed", "value": "1"}, PriceRule()) == Decimal("5.00")
