"""The product search's text matches on PostgreSQL come from inventory_search_product_ids (migration 0012):
the same products as the ORM's icontains, only the current store's, and literal % and _ in the term."""

from __future__ import annotations

import pytest
from django.db import connection

from inventory import filters
from inventory.filters import ProductFilter
from inventory.models import Product
from nexusone.core import tenancy
from tests.factories import ProductFactory, VariantFactory

TERMS = ["needle", "NEEDLE", "sku-7", "var-9", "100%", "a_b", "zz", "nothing-matches"]


@pytest.fixture
def catalog(merchant, other_merchant):
    mine = [
        ProductFactory(merchant=merchant, name="Darning needle", sku="SKU-1"),
        ProductFactory(merchant=merchant, name="Pin cushion", sku="sku-7x"),
        ProductFactory(merchant=merchant, name="100% cotton thread", sku="T-1"),
        ProductFactory(merchant=merchant, name="1000 cotton reels", sku="T-2"),
        ProductFactory(merchant=merchant, name="a_b tape", sku="T-3"),
        ProductFactory(merchant=merchant, name="aXb tape", sku="T-4"),
    ]
    VariantFactory(product=mine[5], sku="VAR-9-RED")
    ProductFactory(merchant=other_merchant, name="Sewing needle", sku="SKU-7")
    return mine


def _search(merchant, term: str) -> set[str]:
    with tenancy.merchant_context(merchant):
        found = ProductFilter({"search": term}, queryset=Product.objects.filter(merchant=merchant), merchant=merchant)
        return set(found.qs.values_list("name", flat=True))


@pytest.mark.parametrize("term", TERMS)
def test_the_function_finds_what_the_orm_finds(merchant, catalog, monkeypatch, term):
    by_function = _search(merchant, term)
    monkeypatch.setattr(filters, "_searched_by_function", lambda merchant: False)

    assert by_function == _search(merchant, term)


def test_a_search_takes_the_function_for_the_store_the_request_runs_for(merchant, catalog):
    with tenancy.merchant_context(merchant):
        queryset = ProductFilter({"search": "needle"}, queryset=Product.objects.all(), merchant=merchant).qs
        sql = str(queryset.query)

    assert "inventory_search_product_ids" in sql
    assert _search(merchant, "needle") == {"Darning needle"}
    assert _search(merchant, "100%") == {"100% cotton thread"}
    assert _search(merchant, "a_b") == {"a_b tape"}
    assert _search(merchant, "var-9") == {"aXb tape"}


def test_the_function_reads_only_the_store_the_database_is_told_about(merchant, other_merchant, catalog):
    def ids(merchant_id: str) -> set:
        # (The test runs in a transaction: the backend sends its own settings once, with the first statement,
        # so this set_config stands for the calls that follow.)
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config('app.merchant_id', %s, false)", [merchant_id])
            cursor.execute("SELECT * FROM inventory_search_product_ids('NEEDLE')")
            found = {row[0] for row in cursor.fetchall()}
            cursor.execute("SELECT set_config('app.merchant_id', '', false)")
        return found

    assert ids(str(merchant.pk)) == {catalog[0].pk}
    assert ids(str(other_merchant.pk)) == set(
        Product.objects.filter(merchant=other_merchant).values_list("pk", flat=True)
    )
    assert ids("") == set()
