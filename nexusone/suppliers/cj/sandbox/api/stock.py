"""CJ's stock endpoints (`product/stock/*`) and its warehouse list."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from ..state import STATE
from .envelope import CJFailure, param


def stock_by_vid(request: HttpRequest, params: dict[str, Any]) -> Any:
    vid = param(params, "vid", required=True)
    with STATE.lock:
        variant = STATE.variants.get(vid)
        if variant is None:
            raise CJFailure(1602000, "Variant not found")
        return STATE.area_rows(variant)


def stock_by_sku(request: HttpRequest, params: dict[str, Any]) -> Any:
    sku = param(params, "sku", required=True)
    with STATE.lock:
        variants = [v for v in STATE.variants.values() if v.sku == sku]
        if not variants:
            product = next((p for p in STATE.products.values() if p.sku == sku), None)
            variants = list(product.variants) if product else []
        if not variants:
            raise CJFailure(1602000, "Variant not found")
        return [row for v in variants for row in STATE.area_rows(v)]


def inventory_by_pid(request: HttpRequest, params: dict[str, Any]) -> Any:
    pid = param(params, "pid", required=True)
    with STATE.lock:
        product = STATE.product(pid)
        if product is None:
            raise CJFailure(1602001, "Product not found")
        return STATE.product_inventory(product)


def warehouse_list(request: HttpRequest, params: dict[str, Any]) -> Any:
    return [
        {"areaId": a, "areaEn": name, "countryCode": c}
        for a, name, c in ((1, "China Warehouse", "CN"), (2, "US Warehouse", "US"), (3, "Germany Warehouse", "DE"))
    ]
