"""Put supplier products into a merchant's catalog for tests and benchmarks (imports do it for real)."""

from __future__ import annotations

from decimal import Decimal

from inventory import actions
from inventory.models import Product, Variant
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


def add_product(
    merchant, pid: str, name: str, sku: str, variants: list[tuple[str, str, str, Decimal, int]], image_url: str = ""
) -> Product:
    cost = min((v[3] for v in variants), default=Decimal("0")).quantize(Decimal("0.01"))
    product = Product.objects.create(
        merchant=merchant,
        external_id=pid,
        name=name[:500],
        sku=sku,
        image_url=image_url if image_url.startswith("http") else "",
        cost_price=cost,
        price=actions.compute_price(merchant, cost),
        stock_quantity=sum(v[4] for v in variants),
    )
    Variant.objects.bulk_create(
        Variant(
            merchant=merchant,
            product=product,
            external_id=vid,
            sku=variant_sku,
            name=variant_name[:500],
            cost_price=Decimal(variant_cost).quantize(Decimal("0.01")),
            price=actions.compute_price(merchant, Decimal(variant_cost).quantize(Decimal("0.01"))),
            stock_quantity=quantity,
        )
        for vid, variant_sku, variant_name, variant_cost, quantity in variants
    )
    return product
