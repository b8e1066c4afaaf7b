"""Real threads on PostgreSQL: stock is never oversold, a reference never makes two orders."""

import pytest

from inventory.models import Product, Variant
from orders import actions
from orders.models import Order
from tests.concurrency import run_together

from .conftest import order_input


@pytest.mark.django_db(transaction=True)
def test_concurrent_orders_never_oversell_a_variant(merchant, account, variant, fake_supplier):
    # 10 in stock, 16 buyers of 1 unit each at the same moment.
    results, errors = run_together(16, lambda i: actions.create_order(merchant, order_input(variant, 1, f"#R{i}")))

    assert len(results) == 10
    assert len(errors) == 6
    assert all(isinstance(e, actions.InsufficientStock) for e in errors)
    variant.refresh_from_db()
    assert variant.stock_quantity == 0  # all ten confirmed at CJ and taken out of stock
    assert variant.reserved_quantity == 0
    assert Order.objects.count() == 10
    assert Product.objects.get(pk=variant.product_id).stock_quantity == 0


@pytest.mark.django_db(transaction=True)
def test_concurrent_multi_line_orders_reserve_all_or_nothing(merchant, account, variant, second_variant):
    lines = [
        actions.LineInput(variant.product_id, 1, variant.pk),
        actions.LineInput(second_variant.product_id, 1, second_variant.pk),
    ]

    def buy(i):
        data = order_input(variant, 1, f"#M{i}")
        return actions.create_order(merchant, actions.OrderInput(**{**data.__dict__, "items": lines}))

    results, errors = run_together(8, buy)

    # second_variant has 5: five orders get both items, the rest get nothing at all.
    assert len(results) == 5
    assert len(errors) == 3
    first, second = Variant.objects.get(pk=variant.pk), Variant.objects.get(pk=second_variant.pk)
    assert (first.stock_quantity, first.reserved_quantity) == (5, 0)
    assert (second.stock_quantity, second.reserved_quantity) == (0, 0)


@pytest.mark.django_db(transaction=True)
def test_the_same_reference_sent_concurrently_makes_one_order(merchant, account, variant, fake_supplier):
    results, errors = run_together(6, lambda i: actions.create_order(merchant, order_input(variant, 2, "#SAME")))

    assert not errors
    assert len({order.pk for order, _ in results}) == 1
    assert sum(1 for _, created in results if created) == 1
    variant.refresh_from_db()
    assert (variant.stock_quantity, variant.reserved_quantity) == (8, 0)
    assert fake_supplier.create_calls("#SAME") == 1
