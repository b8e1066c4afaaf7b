"""Demo data for `seed_demo`: inventory settings, a schedule, and a catalog from the built-in CJ sandbox.

The catalog is copied from the sandbox's seeded data with a few deliberate differences, so the
first "Sync now" has something to show: stale stock corrected and a large supplier cost move
held for review. Alerts and the out-of-stock action follow the seeded stock at once, as they
follow every stock write.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils.text import slugify

from .actions import compute_price, get_inventory_settings, schedule_syncs
from .models import Product, Variant
from .stock import settle

DEMO_PRODUCTS = 24
CENT = Decimal("0.01")


def add_catalog_product(
    merchant: Any,
    pid: str,
    name: str,
    sku: str,
    variants: list[tuple[str, str, str, Decimal, int]],
    *,
    image_url: str = "",
    source_url: str = "",
) -> Product:
    """A product with variants `(vid, sku, name, cost, supplier stock)`, priced by the merchant's default rule.

    Its alerts and the out-of-stock action follow at once (inventory.stock.settle)."""
    cost = min((Decimal(v[3]) for v in variants), default=Decimal("0")).quantize(CENT)
    product = Product.objects.create(
        merchant=merchant,
        external_id=pid,
        name=name[:500],
        sku=sku,
        image_url=image_url,
        source_url=source_url,
        cost_price=cost,
        price=compute_price(merchant, cost),
    )
    Variant.objects.bulk_create(
        Variant(
            merchant=merchant,
            product=product,
            external_id=vid,
            sku=variant_sku,
            name=variant_name[:500],
            cost_price=Decimal(variant_cost).quantize(CENT),
            price=compute_price(merchant, Decimal(variant_cost).quantize(CENT)),
            supplier_stock=quantity,
            stock_quantity=quantity,
        )
        for vid, variant_sku, variant_name, variant_cost, quantity in variants
    )
    settle(merchant, product_ids=[product.pk])
    product.refresh_from_db()
    return product


def seed_inventory(merchant: Any, stdout: Any) -> None:
    inventory_settings = get_inventory_settings(merchant)
    schedule_syncs(merchant, inventory_settings)
    stdout.write(f"Inventory: {inventory_settings.get_sync_frequency_display().lower()} sync scheduled.")
    if not settings.CJ_SANDBOX_ENABLED or Product.objects.for_merchant(merchant).exists():
        return
    from nexusone.suppliers.cj.sandbox.catalog import build_catalog

    catalog, _ = build_catalog()
    chosen = [p for p in catalog.values() if p.on_sale][:DEMO_PRODUCTS]
    base = settings.SITE_URL.rstrip("/")
    with transaction.atomic():
        for index, product in enumerate(chosen):
            variants = []
            for variant in product.variants:
                stock = sum(cj + factory for cj, factory in variant.stock.values())
                cost = Decimal(variant.sell_price)
                if index < 3:
                    stock += 25  # stale: the first sync corrects it
                if index == 3:
                    cost = (cost / Decimal("1.5")).quantize(CENT)  # CJ's cost is 50% higher: held for review
                variants.append((variant.vid, variant.sku, variant.name_en, cost, stock))
            add_catalog_product(
                merchant,
                product.pid,
                product.name_en,
                product.sku,
                variants,
                image_url=f"{base}/sandbox/cj/images/{product.pid}.svg",
                source_url=f"{base}/sandbox/cj/product/{slugify(product.name_en)}-p-{product.pid}.html",
            )
    stdout.write(f"Inventory: {len(chosen)} sandbox products in the catalog; press Sync now on /inventory/.")
