"""At order time the ordered products' stock is read again when the last read is older than the setting."""

from datetime import timedelta

import pytest
from django.utils import timezone

from inventory.models import ProductFreshness, Variant
from nexusone.suppliers.budget import current_purpose
from orders import actions

from .conftest import order_input

pytestmark = pytest.mark.django_db(transaction=True)  # the supplier order goes out after commit


@pytest.fixture
def supplier_variant(merchant, variant, fake_supplier):
    """The order fixture's variant, known to the supplier under its ids (20 in stock there)."""
    pid = variant.product.external_id
    fake_supplier.add_product(pid, variants=1, stock=20)
    Variant.objects.filter(pk=variant.pk).update(external_id=f"{pid}-V1")
    variant.refresh_from_db()
    return variant


def read_at(variant, minutes_ago: int) -> None:
    ProductFreshness.objects.create(
        product=variant.product,
        merchant=variant.merchant,
        stock_read_at=timezone.now() - timedelta(minutes=minutes_ago),
    )


def test_stock_read_longer_ago_than_the_setting_is_read_again_from_the_reserve_before_ordering(
    merchant, account, supplier_variant, fake_supplier, monkeypatch
):
    read_at(supplier_variant, minutes_ago=45)
    purposes = []
    read_stock = fake_supplier.get_product_stock

    def spy(product_id):
        purposes.append(current_purpose())
        return read_stock(product_id)

    monkeypatch.setattr(fake_supplier, "get_product_stock", spy)
    fake_supplier.calls.clear()

    actions.create_order(merchant, order_input(supplier_variant, 1))

    names = [name for name, _ in fake_supplier.calls]
    assert names.index("get_product_stock") < names.index("create_order")
    assert purposes == ["foreground"]  # charged to the points kept for orders, not the background share
    freshness = ProductFreshness.objects.get(product=supplier_variant.product)
    assert freshness.stock_read_at > timezone.now() - timedelta(minutes=1)


def test_stock_read_within_the_setting_is_not_read_again(merchant, account, supplier_variant, fake_supplier, settings):
    settings.ORDER_STOCK_RECHECK_MINUTES = 30
    read_at(supplier_variant, minutes_ago=10)
    fake_supplier.calls.clear()

    actions.create_order(merchant, order_input(supplier_variant, 1))

    assert "get_product_stock" not in [name for name, _ in fake_supplier.calls]
    assert fake_supplier.create_calls() == 1
