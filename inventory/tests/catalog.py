"""Put supplier products into a merchant's catalog for tests and benchmarks (imports do it for real)."""

from __future__ import annotations

from inventory.demo import add_catalog_product as add_product
from inventory.models import Product
from nexusone.suppliers.base import StockLevel, SupplierProduct


def mirror_supplier_product(
    merchant, product: SupplierProduct, stock: dict[str, StockLevel], countries=None
) -> Product:
    """A catalog product in step with the supplier's answer (prices from the merchant's default rule)."""
    variants = [
        (
            v.variant_id,
            v.sku,
            v.name,
            v.cost_price,
            stock[v.variant_id].total(countries) if v.variant_id in stock else 0,
        )
        for v in product.variants
    ]
    return add_product(merchant, product.product_id, product.name, product.sku, variants, image_url=product.image_url)
