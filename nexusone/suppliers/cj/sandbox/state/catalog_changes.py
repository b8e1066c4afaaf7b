"""The catalog moving as CJ's does: stock, prices and on-sale flags change and push webhooks."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from ..catalog import WAREHOUSES, SandboxProduct, SandboxVariant
from .common import money


class CatalogChangesMixin:
    """SandboxState's stock and price changes; `rng` (seeded) is set by its reset()."""

    def set_stock(self, vid: str, country: str, quantity: int, factory: int = 0) -> SandboxVariant:
        with self.lock:
            variant = self.variants[vid]
            variant.stock[country] = (quantity, factory)
        self._push_stock(variant)
        return variant

    def _push_stock(self, variant: SandboxVariant) -> None:
        vid = variant.vid
        self.push(
            "stock",
            "STOCK",
            "UPDATE",
            {
                vid: [
                    {
                        "vid": vid,
                        "areaId": area_id,
                        "areaEn": area_en,
                        "countryCode": code,
                        "storageNum": variant.total(code),
                    }
                    for area_id, area_en, code in WAREHOUSES
                    if code in variant.stock
                ]
            },
            product_id=variant.pid,
        )

    def set_price(self, vid: str, price: Decimal) -> SandboxVariant:
        with self.lock:
            variant = self.variants[vid]
            variant.sell_price = price
            product = self.products[variant.pid]
        self.push(
            "product",
            "VARIANT",
            "UPDATE",
            {
                "vid": vid,
                "variantSku": variant.sku,
                "variantKey": variant.key,
                "variantSellPrice": money(price),
                "variantStatus": 1 if variant.on_sale else 0,
                "variantName": None,
                "variantImage": None,
                "fields": ["variantSellPrice"],
            },
            product_id=variant.pid,
        )
        self.push(
            "product",
            "PRODUCT",
            "UPDATE",
            {
                "pid": product.pid,
                "productSellPrice": money(min(product.prices())),
                "productStatus": 3 if product.on_sale else 2,
                "productNameEn": None,
                "productDescription": None,
                "fields": ["productSellPrice"],
            },
            product_id=product.pid,
        )
        return variant

    def set_on_sale(self, pid: str, on_sale: bool) -> SandboxProduct:
        with self.lock:
            product = self.products[pid]
            product.on_sale = on_sale
        self.push(
            "product",
            "PRODUCT",
            "UPDATE",
            {
                "pid": pid,
                "productStatus": 3 if on_sale else 2,
                "productSellPrice": None,
                "productNameEn": None,
                "fields": ["productStatus"],
            },
            product_id=pid,
        )
        return product

    def tick(self, changes: int = 10) -> list[dict[str, Any]]:
        """Simulate CJ's catalog moving: a few stock levels and prices change (seeded, so repeatable)."""
        done = []
        with self.lock:
            vids = sorted(self.variants)
            picks = [self.rng.choice(vids) for _ in range(changes)]
            plans = []
            for vid in picks:
                variant = self.variants[vid]
                if self.rng.random() < 0.7:
                    country = self.rng.choice(sorted(variant.stock) or ["CN"])
                    quantity = self.rng.choice([0, 2, 5, 30, 120, 480])
                    plans.append(("stock", vid, country, quantity))
                else:
                    factor = Decimal(self.rng.choice(["0.90", "0.95", "1.05", "1.10"]))
                    plans.append(("price", vid, "", (variant.sell_price * factor).quantize(Decimal("0.01"))))
        for kind, vid, country, value in plans:
            if kind == "stock":
                factory = self.variants[vid].stock.get(country, (0, 0))[1] if value else 0
                self.set_stock(vid, country, int(value), factory)
                done.append({"vid": vid, "countryCode": country, "quantity": int(value) + factory})
            else:
                self.set_price(vid, value)
                done.append({"vid": vid, "price": f"{value:.2f}"})
        return done
