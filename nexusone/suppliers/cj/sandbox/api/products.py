"""CJ's product endpoints: listV2 and list (search), getCategory, query and the variant queries."""

from __future__ import annotations

import json
from decimal import Decimal, InvalidOperation
from typing import Any

from django.http import HttpRequest

from ..catalog import SandboxProduct, category_tree
from ..state import STATE
from .envelope import CJFailure, features, image_url, int_param, param


def _matches(product: SandboxProduct, params: dict[str, Any]) -> bool:
    keyword = param(params, "keyWord").lower()
    if keyword and keyword not in product.name_en.lower() and keyword not in product.sku.lower():
        return False
    category = param(params, "categoryId")
    if category and product.category_id != category:
        return False
    country = param(params, "countryCode")
    if country and product.inventory({country}) <= 0:
        return False
    try:
        low = Decimal(param(params, "startSellPrice") or "0")
        high = Decimal(param(params, "endSellPrice") or "1000000")
    except InvalidOperation as exc:
        raise CJFailure(1600300, "param error: sell price") from exc
    return any(low <= price <= high for price in product.prices())


def product_list_v2(request: HttpRequest, params: dict[str, Any]) -> Any:
    page = int_param(params, "page", 1, 1, 1000)
    size = int_param(params, "size", 10, 1, 100)
    wanted = set(request.GET.getlist("features")) | set(features(request).split(","))
    with STATE.lock:
        found = [p for p in STATE.products.values() if _matches(p, params)]
    total = min(len(found), 6000)
    chunk = found[(page - 1) * size : page * size]
    keyword = param(params, "keyWord")
    return {
        "pageSize": size,
        "pageNumber": page,
        "totalRecords": total,
        "totalPages": (total + size - 1) // size,
        "content": [
            {
                "productList": [STATE.list_v2_item(p, image_url(request, p.pid), wanted) for p in chunk],
                "relatedCategoryList": [],
                "keyWord": keyword,
                "keyWordOld": keyword,
            }
        ],
    }


def get_category(request: HttpRequest, params: dict[str, Any]) -> Any:
    with STATE.lock:
        return category_tree(STATE.categories)


def product_list(request: HttpRequest, params: dict[str, Any]) -> Any:
    page = int_param(params, "pageNum", 1, 1, 100000)
    size = int_param(params, "pageSize", 20, 1, 200)
    pid = param(params, "pid")
    name = param(params, "productNameEn").lower()
    with STATE.lock:
        found = [
            p
            for p in STATE.products.values()
            if (not pid or p.pid == pid)
            and (not name or name in p.name_en.lower())
            and (not param(params, "categoryId") or p.category_id == param(params, "categoryId"))
        ]
    chunk = found[(page - 1) * size : page * size]
    return {
        "pageNum": page,
        "pageSize": size,
        "total": len(found),
        "list": [
            {
                "pid": p.pid,
                "productNameEn": p.name_en,
                "productName": json.dumps([p.name_en]),
                "productSku": p.sku,
                "productImage": image_url(request, p.pid),
                "productWeight": p.weight,
                "categoryId": p.category_id,
                "categoryName": p.category_name,
                "sellPrice": p.sell_price_label(),
                "listedNum": p.listed_num,
                "isFreeShipping": False,
                "createTime": p.created_ms,
                "saleStatus": "3" if p.on_sale else "2",
            }
            for p in chunk
        ],
    }


def _find_product(params: dict[str, Any]) -> SandboxProduct:
    pid, product_sku, variant_sku = (param(params, n) for n in ("pid", "productSku", "variantSku"))
    if not (pid or product_sku or variant_sku):
        raise CJFailure(16900403, "pid can not be empty")
    with STATE.lock:
        if pid:
            product = STATE.product(pid)
        elif product_sku:
            product = next((p for p in STATE.products.values() if p.sku == product_sku), None)
        else:
            variant = next((v for v in STATE.variants.values() if v.sku == variant_sku), None)
            product = STATE.products.get(variant.pid) if variant else None
    if product is None:
        raise CJFailure(1602001, "Product not found")
    return product


def product_query(request: HttpRequest, params: dict[str, Any]) -> Any:
    product = _find_product(params)
    with_inventory = "enable_inventory" in features(request)
    country = param(params, "countryCode")
    variants = [v for v in product.variants if not country or v.total(country) > 0]
    image = image_url(request, product.pid)
    return {
        "pid": product.pid,
        "productName": json.dumps([product.name_en]),
        "productNameEn": product.name_en,
        "productSku": product.sku,
        "productImage": image,
        "productImageSet": [image] + [image_url(request, v.vid) for v in product.variants[:3]],
        "productWeight": product.weight,
        "packWeight": f"{product.weight + 20}-{product.weight + 60}",
        "productType": "ORDINARY_PRODUCT",
        "productUnit": "unit(s)",
        "categoryId": product.category_id,
        "categoryName": product.category_name,
        "entryCode": "9403609090",
        "entryNameEn": product.category_name,
        "materialNameEn": "Plastic",
        "packingNameEn": "Bag",
        "productKeyEn": product.option_names,
        "productProEnSet": ["Plastic"],
        "description": product.description,
        "sellPrice": product.sell_price_label(),
        "suggestSellPrice": f"{min(v.suggested_price for v in product.variants):.2f}",
        "status": "3" if product.on_sale else "2",
        "listedNum": product.listed_num,
        "supplierName": product.supplier_name,
        "supplierId": "SUP-" + product.pid[:8],
        "createrTime": "2026-01-01 00:00:00",
        "productVideo": None,
        "variants": [
            STATE.variant_payload(v, image_url(request, v.vid), with_inventory=with_inventory) for v in variants
        ],
    }


def variant_query(request: HttpRequest, params: dict[str, Any]) -> Any:
    product = _find_product(params)
    return [STATE.variant_payload(v, image_url(request, v.vid)) for v in product.variants]


def variant_query_by_vid(request: HttpRequest, params: dict[str, Any]) -> Any:
    vid = param(params, "vid", required=True)
    variant = STATE.variants.get(vid)
    if variant is None:
        raise CJFailure(1602000, "Variant not found")
    with_inventory = "enable_inventory" in features(request)
    return STATE.variant_payload(variant, image_url(request, vid), with_inventory=with_inventory)
