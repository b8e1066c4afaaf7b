"""Catalog payloads as CJ spells them: listV2 items, variants, per-country and per-area inventory."""

from __future__ import annotations

import hashlib
from typing import Any

from ..catalog import WAREHOUSES, SandboxProduct, SandboxVariant
from .common import COUNTRY_NAMES, money


class ProductsMixin:
    """SandboxState's catalog reads; `products` and `variants` are set by its reset()."""

    products: dict[str, SandboxProduct]
    variants: dict[str, SandboxVariant]

    def product(self, pid: str) -> SandboxProduct | None:
        return self.products.get(pid) or self.products.get(pid.upper())

    def list_v2_item(self, product: SandboxProduct, image_url: str, features: set[str]) -> dict[str, Any]:
        first, second, third = product.category_path
        item: dict[str, Any] = {
            "id": product.pid,
            "nameEn": product.name_en,
            "sku": product.sku,
            "spu": product.sku,
            "bigImage": image_url,
            "sellPrice": product.sell_price_label(),
            "nowPrice": product.sell_price_label(),
            "discountPrice": None,
            "discountPriceRate": None,
            "listedNum": product.listed_num,
            "categoryId": product.category_id,
            "oneCategoryId": None,
            "twoCategoryId": None,
            "addMarkStatus": 0,
            "isVideo": 0,
            "productType": "0",
            "supplierName": product.supplier_name,
            "createAt": product.created_ms,
            "warehouseInventoryNum": product.inventory(),
            "totalVerifiedInventory": product.inventory({"CN"}),
            "totalUnVerifiedInventory": product.inventory() - product.inventory({"CN"}),
            "verifiedWarehouse": 1,
            "myProduct": False,
            "currency": "USD",
            "deliveryCycle": "3-7",
            "saleStatus": "3" if product.on_sale else "2",
        }
        if "enable_category" in features:
            item.update({"oneCategoryName": first, "twoCategoryName": second, "threeCategoryName": third})
        if "enable_description" in features:
            item["description"] = product.description
        return item

    def variant_payload(
        self, variant: SandboxVariant, image_url: str, *, with_inventory: bool = False
    ) -> dict[str, Any]:
        data: dict[str, Any] = {
            "vid": variant.vid,
            "pid": variant.pid,
            "variantName": None,
            "variantNameEn": variant.name_en,
            "variantSku": variant.sku,
            "variantImage": image_url,
            "variantKey": variant.key,
            "variantStandard": f"long={variant.length},width={variant.width},height={variant.height}",
            "variantUnit": "unit(s)",
            "variantProperty": None,
            "variantLength": variant.length,
            "variantWidth": variant.width,
            "variantHeight": variant.height,
            "variantVolume": variant.length * variant.width * variant.height,
            "variantWeight": variant.weight,
            "variantSellPrice": money(variant.sell_price),
            "variantSugSellPrice": money(variant.suggested_price),
            "createTime": "2026-01-01 00:00:00",
            "combineNum": None,
            "combineVariants": None,
        }
        if with_inventory:
            data["inventories"] = self.variant_inventory_rows(variant)
        return data

    def variant_inventory_rows(self, variant: SandboxVariant) -> list[dict[str, Any]]:
        """Per-variant rows as CJ's 2026 pages spell them: no `Num` suffix."""
        rows = []
        for country, (cj, factory) in variant.stock.items():
            rows.append(
                {
                    "countryCode": country,
                    "totalInventory": cj + factory,
                    "cjInventory": cj,
                    "factoryInventory": factory,
                    "verifiedWarehouse": 1 if country == "CN" else 2,
                    "stock": [],
                }
            )
        return rows

    def area_rows(self, variant: SandboxVariant) -> list[dict[str, Any]]:
        """`product/stock/queryByVid` rows: one per warehouse area, with `Num` suffixes."""
        rows = []
        for area_id, area_en, country in WAREHOUSES:
            if country not in variant.stock:
                continue
            cj, factory = variant.stock[country]
            rows.append(
                {
                    "vid": variant.vid,
                    "areaId": area_id,
                    "areaEn": area_en,
                    "countryCode": country,
                    "totalInventoryNum": cj + factory,
                    "cjInventoryNum": cj,
                    "factoryInventoryNum": factory,
                    "storageNum": cj + factory,
                    "stock": [
                        {
                            "stockId": hashlib.md5(f"{variant.vid}{country}".encode()).hexdigest(),  # noqa: S324
                            "inventory": cj,
                            "factoryInventory": factory,
                        }
                    ],
                }
            )
        return rows

    def product_inventory(self, product: SandboxProduct) -> dict[str, Any]:
        inventories = []
        for area_id, area_en, country in WAREHOUSES:
            holders = [v for v in product.variants if country in v.stock]
            if not holders:
                continue
            cj = sum(v.stock[country][0] for v in holders)
            factory = sum(v.stock[country][1] for v in holders)
            inventories.append(
                {
                    "areaEn": area_en,
                    "areaId": area_id,
                    "countryCode": country,
                    "countryNameEn": COUNTRY_NAMES.get(country, country),
                    "totalInventoryNum": cj + factory,
                    "cjInventoryNum": cj,
                    "factoryInventoryNum": factory,
                }
            )
        return {
            "inventories": inventories,
            "variantInventories": [
                {"vid": v.vid, "inventory": self.variant_inventory_rows(v)} for v in product.variants
            ],
        }
