"""The CJ client against the sandbox over real HTTP."""

from __future__ import annotations

import pytest

from nexusone.suppliers.base import Address, OrderLineRequest, OrderRequest
from nexusone.suppliers.registry import get_supplier

pytestmark = pytest.mark.django_db


def test_client_reads_catalog_stock_and_places_an_order_against_the_sandbox(cj_sandbox, cj_account):
    supplier = get_supplier(cj_account)
    page = supplier.search_products("storage", page_size=5)
    assert page.items
    product = supplier.get_product(page.items[0].product_id)
    assert product.variants
    stock = supplier.get_product_stock(product.product_id)
    assert set(stock) == {v.variant_id for v in product.variants}
    vid = product.variants[0].variant_id
    quotes = supplier.quote_shipping([OrderLineRequest(vid, 1)], to_country_code="US")
    order = supplier.create_order(
        OrderRequest(
            reference="NX-1",
            address=Address(name="Ann", line1="1 Main St", city="Austin", country_code="US", province="TX"),
            lines=(OrderLineRequest(vid, 2),),
            shipping_method=quotes[0].method,
        )
    )
    assert order.status == "CREATED"
    assert supplier.find_order("NX-1").order_id == order.order_id
    cj_sandbox.advance_order(order.order_id, "SHIPPED")
    shipped = supplier.get_order(order.order_id)
    assert shipped.tracking_numbers
    tracking = supplier.get_tracking(list(shipped.tracking_numbers))
    assert tracking[0].status == "In transit"
    assert supplier.cancel_order(order.order_id) is False
