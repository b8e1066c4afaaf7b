"""inventory.stock as orders use it: units per variant reserved all or nothing, released, consumed, restored."""

import pytest
from django.db import transaction

from inventory import stock
from inventory.models import Product, Variant
from tests.factories import ProductFactory, VariantFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def variants(merchant):
    product = ProductFactory(merchant=merchant, stock_quantity=15)
    return VariantFactory(product=product, stock_quantity=10), VariantFactory(product=product, stock_quantity=5)


def figures(variant) -> tuple[int, int, int]:
    variant.refresh_from_db()
    return variant.supplier_stock, variant.reserved_quantity, variant.stock_quantity


def test_a_reservation_short_on_one_variant_holds_nothing_and_says_what_that_variant_can_sell(merchant, variants):
    plenty, scarce = variants

    with pytest.raises(stock.OutOfStock) as refused, transaction.atomic():  # the caller's transaction
        stock.reserve(merchant, {plenty.pk: 4, scarce.pk: 6})

    assert refused.value.available == {scarce.pk: 5}
    assert figures(plenty) == (10, 0, 10)
    assert figures(scarce) == (5, 0, 5)


def test_held_units_leave_sellable_stock_and_the_product_sums_follow(merchant, variants):
    plenty, scarce = variants

    stock.reserve(merchant, {plenty.pk: 4, scarce.pk: 5})

    assert figures(plenty) == (10, 4, 6)
    assert figures(scarce) == (5, 5, 0)
    product = Product.objects.get(pk=plenty.product_id)
    assert (product.supplier_stock, product.reserved_quantity, product.stock_quantity) == (15, 9, 6)


def test_units_held_on_one_variant_move_the_product_as_summing_its_variants_would(merchant, variants):
    plenty, _ = variants

    stock.reserve(merchant, {plenty.pk: 4})  # one variant: the variant and its product in one statement
    product = Product.objects.get(pk=plenty.product_id)
    held = (product.supplier_stock, product.reserved_quantity, product.stock_quantity)
    stock.resum_products(merchant.pk, [product.pk])
    product.refresh_from_db()

    assert figures(plenty) == (10, 4, 6)
    assert held == (product.supplier_stock, product.reserved_quantity, product.stock_quantity) == (15, 4, 11)


def test_a_one_variant_reservation_it_cannot_cover_holds_nothing(merchant, variants):
    _, scarce = variants

    with pytest.raises(stock.OutOfStock) as refused, transaction.atomic():
        stock.reserve(merchant, {scarce.pk: 6})

    assert refused.value.available == {scarce.pk: 5}
    assert figures(scarce) == (5, 0, 5)
    assert Product.objects.get(pk=scarce.product_id).reserved_quantity == 0


def test_released_units_are_for_sale_again(merchant, variants):
    plenty, _ = variants
    stock.reserve(merchant, {plenty.pk: 4})

    stock.release(merchant, {plenty.pk: 4})

    assert figures(plenty) == (10, 0, 10)


def test_consumed_units_leave_the_suppliers_count_and_restored_ones_come_back(merchant, variants):
    plenty, _ = variants
    stock.reserve(merchant, {plenty.pk: 4})

    stock.consume(merchant, {plenty.pk: 4})
    assert figures(plenty) == (6, 0, 6)

    stock.restore(merchant, {plenty.pk: 4})
    assert figures(plenty) == (10, 0, 10)


def test_units_add_up_per_variant_and_a_shortfall_names_only_the_variants_short():
    wanted = stock.add_up([("a", 2), ("b", 1), ("a", 3)])

    assert wanted == {"a": 5, "b": 1}
    assert stock.shortfall(wanted, {"a": 4, "b": 1}) == {"a": 4}
    assert stock.shortfall(wanted, {"a": 5}) == {"b": 0}


def test_reserving_for_another_merchants_variant_holds_nothing(merchant, other_merchant, variants):
    plenty, _ = variants

    with pytest.raises(stock.OutOfStock), transaction.atomic():
        stock.reserve(other_merchant, {plenty.pk: 1})

    assert Variant.objects.get(pk=plenty.pk).reserved_quantity == 0
