"""Extension tokens on the inventory products API: read with `products:read`, nothing else."""

import pytest

from extension_auth import actions
from tests.factories import ProductFactory

from .conftest import extension_client

pytestmark = pytest.mark.django_db


def test_extension_token_with_products_read_lists_the_merchants_products(ext, premium, other_merchant):
    mine = ProductFactory(merchant=premium)
    ProductFactory(merchant=other_merchant)
    response = ext.get("/api/dropshipping/products")
    assert response.status_code == 200, response.content
    assert [p["id"] for p in response.json()["results"]] == [str(mine.pk)]
    assert ext.get(f"/api/dropshipping/products/{mine.pk}").status_code == 200


def test_extension_token_without_products_read_is_refused(premium, owner):
    _, token = actions.create_session(owner, premium, name="Import only", permissions=["import"])
    response = extension_client(token).get("/api/dropshipping/products")
    assert response.status_code == 403


def test_extension_token_cannot_change_or_delete_products(ext, premium):
    product = ProductFactory(merchant=premium, price="9.99")
    assert ext.patch(f"/api/dropshipping/products/{product.pk}", {"price": "1.00"}, format="json").status_code == 403
    assert ext.delete(f"/api/dropshipping/products/{product.pk}").status_code == 403
    product.refresh_from_db()
    assert str(product.price) == "9.99"


def test_extension_token_never_reaches_sync_orders_or_account_endpoints_and_is_told_so_with_403(ext):
    for response in (
        ext.post("/api/inventory/sync", {}, format="json"),
        ext.get("/api/dropshipping/orders"),
        ext.get("/api/merchant"),
    ):
        assert response.status_code == 403
        error = response.json()["errors"][0]
        assert error["code"] == "permission_denied"
        assert "Extension tokens can only import products and read them" in error["detail"]
