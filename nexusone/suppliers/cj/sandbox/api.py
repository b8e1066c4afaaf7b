"""The sandbox's CJ API: `api2.0/v1/<path>`, answering with CJ's envelope, field names and error codes."""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt

from .catalog import category_tree
from .state import COUNTRY_NAMES, STATE, SandboxOrder, now_utc

Handler = Callable[[HttpRequest, dict[str, Any]], Any]


class CJFailure(Exception):
    def __init__(self, code: int, message: str, http_status: int = 200) -> None:
        super().__init__(message)
        self.code, self.message, self.http_status = code, message, http_status


def envelope(data: Any, *, code: int = 200, message: str = "Success", result: bool = True) -> dict[str, Any]:
    return {"code": code, "result": result, "message": message, "data": data, "requestId": str(uuid.uuid4())}


def failure(code: int, message: str, *, status: int = 200, **extra: Any) -> JsonResponse:
    body = {"code": code, "result": False, "message": message, "data": None, "requestId": str(uuid.uuid4())}
    body.update(extra)
    return JsonResponse(body, status=status)


def image_url(request: HttpRequest, key: str) -> str:
    return request.build_absolute_uri(reverse("cj_sandbox:image", args=[key]))


def _param(params: dict[str, Any], name: str, *, required: bool = False) -> str:
    value = params.get(name)
    if isinstance(value, list):
        value = value[0] if value else None
    if value is None or value == "":
        if required:
            raise CJFailure(16900403, f"{name} can not be empty")
        return ""
    return str(value)


def _int(params: dict[str, Any], name: str, default: int, low: int, high: int) -> int:
    raw = _param(params, name)
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError as exc:
        raise CJFailure(1600300, f"param error: {name} must be a number") from exc
    return max(low, min(high, value))


# --- authentication -----------------------------------------------------------------------
def get_access_token(request: HttpRequest, body: dict[str, Any]) -> Any:
    api_key = body.get("apiKey")
    if not api_key:
        raise CJFailure(16900403, "apiKey can not be empty")
    if api_key != settings.CJ_SANDBOX_API_KEY:
        raise CJFailure(1600005, "APIkey is wrong, please check and try again")
    with STATE.lock:
        now = time.monotonic()
        last = STATE.last_token_call
        if STATE.token_call_interval and last is not None and now - last < STATE.token_call_interval:
            raise CJFailure(1600200, "Too much request, getAccessToken can be called once every 5 minutes")
        STATE.last_token_call = now
        return STATE.issue_tokens(with_open_id=True)


def refresh_access_token(request: HttpRequest, body: dict[str, Any]) -> Any:
    token = body.get("refreshToken")
    if not token:
        raise CJFailure(16900403, "refreshToken can not be empty")
    with STATE.lock:
        if not STATE.use_refresh_token(token):
            raise CJFailure(1600003, "Refresh token is invalid")
        return STATE.issue_tokens(with_open_id=False)


def logout(request: HttpRequest, body: dict[str, Any]) -> Any:
    with STATE.lock:
        STATE.revoke_token(request.headers.get("CJ-Access-Token", ""))
    return True


# --- settings, shops ---------------------------------------------------------------------------
def setting_get(request: HttpRequest, params: dict[str, Any]) -> Any:
    with STATE.lock:
        callbacks = {
            topic: {"type": cfg["type"], "callbackUrls": cfg["callbackUrls"]} for topic, cfg in STATE.webhooks.items()
        }
        return {
            "openId": 284517903,
            "openName": "NexusOne Sandbox",
            "openEmail": "sandbox@nexusone.local",
            "setting": {
                "qpsLimit": int(STATE.qps) if STATE.qps else 1,
                "quotaLimits": [{"quotaUrl": "/api2.0/v1/product/listV2", "quotaLimit": 0, "quotaType": 4}],
            },
            "callback": callbacks,
            "root": "GENERAL",
            "isSandbox": 1,
        }


# --- products ------------------------------------------------------------------------------------
def _matches(product, params: dict[str, Any]) -> bool:
    keyword = _param(params, "keyWord").lower()
    if keyword and keyword not in product.name_en.lower() and keyword not in product.sku.lower():
        return False
    category = _param(params, "categoryId")
    if category and product.category_id != category:
        return False
    country = _param(params, "countryCode")
    if country and product.inventory({country}) <= 0:
        return False
    try:
        low = Decimal(_param(params, "startSellPrice") or "0")
        high = Decimal(_param(params, "endSellPrice") or "1000000")
    except InvalidOperation as exc:
        raise CJFailure(1600300, "param error: sell price") from exc
    return any(low <= price <= high for price in product.prices())


def product_list_v2(request: HttpRequest, params: dict[str, Any]) -> Any:
    page = _int(params, "page", 1, 1, 1000)
    size = _int(params, "size", 10, 1, 100)
    features = set(request.GET.getlist("features")) | set(",".join(request.GET.getlist("features")).split(","))
    with STATE.lock:
        found = [p for p in STATE.products.values() if _matches(p, params)]
    total = min(len(found), 6000)
    chunk = found[(page - 1) * size : page * size]
    keyword = _param(params, "keyWord")
    return {
        "pageSize": size,
        "pageNumber": page,
        "totalRecords": total,
        "totalPages": (total + size - 1) // size,
        "content": [
            {
                "productList": [STATE.list_v2_item(p, image_url(request, p.pid), features) for p in chunk],
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
    page = _int(params, "pageNum", 1, 1, 100000)
    size = _int(params, "pageSize", 20, 1, 200)
    pid = _param(params, "pid")
    name = _param(params, "productNameEn").lower()
    with STATE.lock:
        found = [
            p
            for p in STATE.products.values()
            if (not pid or p.pid == pid)
            and (not name or name in p.name_en.lower())
            and (not _param(params, "categoryId") or p.category_id == _param(params, "categoryId"))
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


def _find_product(params: dict[str, Any]):
    pid, product_sku, variant_sku = (_param(params, n) for n in ("pid", "productSku", "variantSku"))
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
    features = ",".join(request.GET.getlist("features"))
    with_inventory = "enable_inventory" in features
    country = _param(params, "countryCode")
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
    vid = _param(params, "vid", required=True)
    variant = STATE.variants.get(vid)
    if variant is None:
        raise CJFailure(1602000, "Variant not found")
    with_inventory = "enable_inventory" in ",".join(request.GET.getlist("features"))
    return STATE.variant_payload(variant, image_url(request, vid), with_inventory=with_inventory)


# --- stock ---------------------------------------------------------------------------------------------
def stock_by_vid(request: HttpRequest, params: dict[str, Any]) -> Any:
    vid = _param(params, "vid", required=True)
    with STATE.lock:
        variant = STATE.variants.get(vid)
        if variant is None:
            raise CJFailure(1602000, "Variant not found")
        return STATE.area_rows(variant)


def stock_by_sku(request: HttpRequest, params: dict[str, Any]) -> Any:
    sku = _param(params, "sku", required=True)
    with STATE.lock:
        variants = [v for v in STATE.variants.values() if v.sku == sku]
        if not variants:
            product = next((p for p in STATE.products.values() if p.sku == sku), None)
            variants = list(product.variants) if product else []
        if not variants:
            raise CJFailure(1602000, "Variant not found")
        return [row for v in variants for row in STATE.area_rows(v)]


def inventory_by_pid(request: HttpRequest, params: dict[str, Any]) -> Any:
    pid = _param(params, "pid", required=True)
    with STATE.lock:
        product = STATE.product(pid)
        if product is None:
            raise CJFailure(1602001, "Product not found")
        return STATE.product_inventory(product)


# --- freight --------------------------------------------------------------------------------------------
def freight_calculate(request: HttpRequest, body: dict[str, Any]) -> Any:
    for name in ("startCountryCode", "endCountryCode", "products"):
        if not body.get(name):
            raise CJFailure(16900403, f"{name} can not be empty")
    to_country = str(body["endCountryCode"]).upper()
    if to_country not in COUNTRY_NAMES:
        raise CJFailure(1605002, "Country code is unknown")
    weight = 0
    with STATE.lock:
        for item in body["products"]:
            variant = STATE.variants.get(str(item.get("vid", "")))
            if variant is None:
                raise CJFailure(1602000, "Variant not found")
            weight += variant.weight * int(item.get("quantity") or 1)
    return STATE.freight_options(weight, to_country)


# --- orders ------------------------------------------------------------------------------------------------
ORDER_REQUIRED = (
    "orderNumber",
    "shippingCountryCode",
    "shippingCountry",
    "shippingProvince",
    "shippingCity",
    "shippingCustomerName",
    "shippingAddress",
    "logisticName",
    "fromCountryCode",
    "products",
)


def create_order_v2(request: HttpRequest, body: dict[str, Any]) -> Any:
    for name in ORDER_REQUIRED:
        if not body.get(name):
            raise CJFailure(16900403, f"{name} can not be empty")
    number = str(body["orderNumber"])
    if len(number) > 50:
        raise CJFailure(1600300, "param error: orderNumber is longer than 50")
    if STATE.order_by_number(number) is not None:
        raise CJFailure(1603003, "Order exist, please do not duplicate create")
    to_country = str(body["shippingCountryCode"]).upper()
    lines, product_amount, weight = [], Decimal("0"), 0
    order_id, code = STATE.next_order_ids()
    with STATE.lock:
        for index, item in enumerate(body["products"]):
            variant = STATE.variants.get(str(item.get("vid") or "")) or next(
                (v for v in STATE.variants.values() if v.sku == item.get("sku")), None
            )
            if variant is None:
                raise CJFailure(1602000, "Variant not found")
            if not variant.on_sale or not STATE.products[variant.pid].on_sale:
                raise CJFailure(1602003, "Variant is off shelf")
            quantity = int(item.get("quantity") or 0)
            if quantity < 1:
                raise CJFailure(1600300, "param error: quantity must be at least 1")
            lines.append(
                {
                    "vid": variant.vid,
                    "quantity": quantity,
                    "price": variant.sell_price,
                    "storeLineItemId": item.get("storeLineItemId"),
                    "lineItemId": f"{order_id}{index + 1:04d}",
                }
            )
            product_amount += variant.sell_price * quantity
            weight += variant.weight * quantity
        options = {o["logisticName"]: o for o in STATE.freight_options(weight, to_country)}
        if body["logisticName"] not in options:
            raise CJFailure(1605001, f"Logistic {body['logisticName']} is invalid for this order")
        postage = Decimal(str(options[body["logisticName"]]["logisticPrice"]))
        pay_type = int(body.get("payType") or 1)
        order = SandboxOrder(
            order_id=order_id,
            cj_order_code=code,
            order_number=number,
            status="CREATED",
            shipping={k: body.get(k) for k in body if k.startswith("shipping") or k == "remark"},
            logistic_name=body["logisticName"],
            from_country=str(body["fromCountryCode"]),
            lines=lines,
            product_amount=product_amount,
            postage_amount=postage,
            is_sandbox=1 if body.get("isSandbox") == 1 else 0,
            created_at=now_utc(),
        )
        STATE.orders[order_id] = order
    if pay_type == 2:  # balance: CJ adds to cart, confirms and pays
        STATE.advance_order(order, "UNSHIPPED")
    return {
        "orderId": order.order_id,
        "orderNumber": order.order_number,
        "shipmentOrderId": order.shipment_order_id,
        "orderStatus": order.status,
        "productAmount": float(order.product_amount),
        "postageAmount": float(order.postage_amount),
        "orderAmount": float(order.order_amount),
        "productOriginalAmount": float(order.product_amount),
        "productDiscountAmount": 0,
        "postageOriginalAmount": float(order.postage_amount),
        "postageDiscountAmount": 0,
        "totalDiscountAmount": 0,
        "actualPayment": float(order.order_amount) if order.paid_at else None,
        "orderOriginalAmount": float(order.order_amount),
        "iossAmount": None,
        "iossTaxHandlingFee": None,
        "cjPayUrl": None if pay_type != 1 else f"https://cjdropshipping.com/pay?orderId={order.order_id}",
        "logisticsMiss": False,
        "productInfoList": [
            {
                "storeLineItemId": line["storeLineItemId"],
                "lineItemId": line["lineItemId"],
                "variantId": line["vid"],
                "quantity": line["quantity"],
                "isGroup": False,
                "subOrderProducts": [],
            }
            for line in order.lines
        ],
        "interceptOrderReasons": [],
    }


def _order_or_fail(order_id: str) -> SandboxOrder:
    if not order_id:
        raise CJFailure(1600300, "orderId must be not empty")
    order = STATE.find_order(order_id)
    if order is None:
        raise CJFailure(1600300, "order not found")
    return order


def order_list(request: HttpRequest, params: dict[str, Any]) -> Any:
    page = _int(params, "pageNum", 1, 1, 100000)
    size = _int(params, "pageSize", 20, 1, 200)
    wanted_ids = set(request.GET.getlist("orderIds"))
    status = _param(params, "status")
    shipment = _param(params, "shipmentOrderId")
    with STATE.lock:
        found = [
            o
            for o in STATE.orders.values()
            if (not wanted_ids or wanted_ids & {o.order_id, o.order_number, o.cj_order_code})
            and (not status or o.status == status)
            and (not shipment or o.shipment_order_id == shipment)
        ]
        chunk = found[(page - 1) * size : page * size]
        return {
            "pageNum": page,
            "pageSize": size,
            "total": len(found),
            "list": [STATE.order_payload(o, detail=False) for o in chunk],
        }


def order_detail(request: HttpRequest, params: dict[str, Any]) -> Any:
    order = _order_or_fail(_param(params, "orderId"))
    with STATE.lock:
        data = STATE.order_payload(order, detail=True)
    if "LOGISTICS_TIMELINESS" in request.GET.getlist("features"):
        data["logisticsTimeliness"] = {
            "logisticsModes": [{"logisticsName": order.logistic_name, "arrivalTime": "7-15"}]
        }
    return data


def delete_order(request: HttpRequest, params: dict[str, Any]) -> Any:
    order = _order_or_fail(_param(params, "orderId"))
    with STATE.lock:
        if order.status not in ("CREATED", "IN_CART"):
            raise CJFailure(1603002, f"Order delete failed, current status {order.status}")
        order.status = "CANCELLED"
    STATE.push_order(order)
    return True


def confirm_order(request: HttpRequest, body: dict[str, Any]) -> Any:
    order = _order_or_fail(str(body.get("orderId") or request.GET.get("orderId") or ""))
    with STATE.lock:
        if order.status not in ("CREATED", "IN_CART"):
            raise CJFailure(1603001, f"Order confirm failed, current status {order.status}")
    STATE.advance_order(order, "UNPAID")
    return order.order_id


def pay_balance(request: HttpRequest, body: dict[str, Any]) -> Any:
    order = _order_or_fail(str(body.get("orderId") or ""))
    if order.status != "UNPAID":
        raise CJFailure(1603101, f"Payment failed, current status {order.status}")
    STATE.advance_order(order, "UNSHIPPED")
    return True


def get_balance(request: HttpRequest, params: dict[str, Any]) -> Any:
    return {"amount": 10000.00, "freezeAmount": 0, "noWithdrawalAmount": 0}


# CJ's own sandbox-order drivers (CJ_API.md §11): part of CJ's API, so they live under its paths.
SANDBOX_TARGETS = {400: "UNSHIPPED", 500: "SHIPPED", 600: "DELIVERED", 700: "DELIVERED"}


def sandbox_simulate_pay(request: HttpRequest, body: dict[str, Any]) -> Any:
    order = _order_or_fail(str(body.get("orderId") or body.get("shipmentOrderId") or ""))
    if order.status not in ("CREATED", "IN_CART", "UNPAID"):
        raise CJFailure(1603101, f"current status {order.status}")
    STATE.advance_order(order, "UNSHIPPED")
    return True


def sandbox_update_status(request: HttpRequest, body: dict[str, Any]) -> Any:
    order = _order_or_fail(str(body.get("orderId") or ""))
    try:
        target = SANDBOX_TARGETS[int(body.get("targetStatus"))]
    except (TypeError, ValueError, KeyError) as exc:
        raise CJFailure(1600300, "param error: targetStatus") from exc
    if order.status in ("CREATED", "IN_CART", "UNPAID"):
        raise CJFailure(1603000, f"current status {order.status}(100), pay the order first")
    if target == order.status:
        raise CJFailure(1603000, f"order is already {order.status}")
    try:
        STATE.advance_order(order, target)
    except ValueError as exc:
        raise CJFailure(1603000, str(exc)) from exc
    return True


def sandbox_update_track_number(request: HttpRequest, body: dict[str, Any]) -> Any:
    order = _order_or_fail(str(body.get("orderId") or ""))
    number = str(body.get("trackNumber") or "")
    if not number or len(number) > 64:
        raise CJFailure(1600300, "param error: trackNumber")
    order.track_number = number
    return True


# --- tracking ------------------------------------------------------------------------------------
def track_info(request: HttpRequest, params: dict[str, Any]) -> Any:
    numbers = [n for value in request.GET.getlist("trackNumber") for n in value.split(",") if n]
    if not numbers:
        raise CJFailure(16900403, "trackNumber can not be empty")
    rows = []
    with STATE.lock:
        by_number = {o.track_number: o for o in STATE.orders.values() if o.track_number}
        for number in numbers:
            order = by_number.get(number)
            if order is None:
                continue
            _, status_text = STATE.tracking_status(order)
            rows.append(
                {
                    "trackingNumber": number,
                    "logisticName": order.logistic_name,
                    "trackingFrom": order.from_country,
                    "trackingTo": order.shipping.get("shippingCountryCode"),
                    "deliveryDay": "",
                    "deliveryTime": order.track_events[-1]["eventTime"] if order.status == "DELIVERED" else "",
                    "trackingStatus": status_text,
                    "lastMileCarrier": "USPS",
                    "lastTrackNumber": f"9400{int(order.order_id) % 10**18:018d}",
                }
            )
    return rows


# --- webhooks ------------------------------------------------------------------------------------
def webhook_set(request: HttpRequest, body: dict[str, Any]) -> Any:
    for topic in ("product", "stock", "order", "logistics"):
        setting = body.get(topic)
        if not isinstance(setting, dict) or setting.get("type") not in ("ENABLE", "CANCEL"):
            raise CJFailure(1606000, f"{topic} setting is invalid")
        urls = setting.get("callbackUrls") or []
        if setting["type"] == "ENABLE" and len(urls) != 1:
            raise CJFailure(1606001, f"{topic} needs exactly one callback url")
    with STATE.lock:
        for topic in ("product", "stock", "order", "logistics"):
            STATE.webhooks[topic] = {"type": body[topic]["type"], "callbackUrls": list(body[topic]["callbackUrls"])}
    return True


def webhook_subscribe(request: HttpRequest, body: dict[str, Any]) -> Any:
    ids = [str(pid) for pid in body.get("productIds") or []]
    if not ids:
        raise CJFailure(16900403, "productIds can not be empty")
    if len(ids) > 100:
        raise CJFailure(1600300, "param error: at most 100 productIds")
    with STATE.lock:
        ok = [pid for pid in ids if pid in STATE.products]
        STATE.subscribed.update(ok)
    return {"successProductIds": ok, "failProductIds": [pid for pid in ids if pid not in ok]}


def webhook_unsubscribe(request: HttpRequest, body: dict[str, Any]) -> Any:
    ids = [str(pid) for pid in body.get("productIds") or []]
    with STATE.lock:
        STATE.subscribed.difference_update(ids)
    return {"successProductIds": ids, "failProductIds": []}


def warehouse_list(request: HttpRequest, params: dict[str, Any]) -> Any:
    return [
        {"areaId": a, "areaEn": name, "countryCode": c}
        for a, name, c in ((1, "China Warehouse", "CN"), (2, "US Warehouse", "US"), (3, "Germany Warehouse", "DE"))
    ]


def get_shops(request: HttpRequest, params: dict[str, Any]) -> Any:
    return [{"shopId": "1", "shopName": "NexusOne Sandbox Store", "platform": "Api"}]


# (method, path) -> (handler, needs a token, answers in the {"success": true, "code": 0} form)
ROUTES: dict[tuple[str, str], tuple[Handler, bool, bool]] = {
    ("POST", "authentication/getAccessToken"): (get_access_token, False, False),
    ("POST", "authentication/refreshAccessToken"): (refresh_access_token, False, False),
    ("POST", "authentication/logout"): (logout, True, False),
    ("GET", "setting/get"): (setting_get, True, False),
    ("GET", "shop/getShops"): (get_shops, True, True),
    ("GET", "product/globalWarehouseList"): (warehouse_list, True, True),
    ("GET", "product/listV2"): (product_list_v2, True, False),
    ("GET", "product/getCategory"): (get_category, True, False),
    ("GET", "product/list"): (product_list, True, False),
    ("GET", "product/query"): (product_query, True, False),
    ("GET", "product/variant/query"): (variant_query, True, False),
    ("GET", "product/variant/queryByVid"): (variant_query_by_vid, True, False),
    ("GET", "product/stock/queryByVid"): (stock_by_vid, True, False),
    ("GET", "product/stock/queryBySku"): (stock_by_sku, True, False),
    ("GET", "product/stock/getInventoryByPid"): (inventory_by_pid, True, False),
    ("POST", "logistic/freightCalculate"): (freight_calculate, True, False),
    ("GET", "logistic/trackInfo"): (track_info, True, False),
    ("GET", "logistic/getTrackInfo"): (track_info, True, False),
    ("POST", "shopping/order/createOrderV2"): (create_order_v2, True, False),
    ("GET", "shopping/order/list"): (order_list, True, False),
    ("GET", "shopping/order/getOrderDetail"): (order_detail, True, False),
    ("DELETE", "shopping/order/deleteOrder"): (delete_order, True, False),
    ("PATCH", "shopping/order/confirmOrder"): (confirm_order, True, False),
    ("POST", "shopping/pay/payBalance"): (pay_balance, True, False),
    ("GET", "shopping/pay/getBalance"): (get_balance, True, False),
    ("POST", "shopping/sandbox/simulatePay"): (sandbox_simulate_pay, True, False),
    ("POST", "shopping/sandbox/updateStatus"): (sandbox_update_status, True, False),
    ("POST", "shopping/sandbox/updateTrackNumber"): (sandbox_update_track_number, True, False),
    ("POST", "webhook/set"): (webhook_set, True, False),
    ("POST", "webhook/product/subscribe"): (webhook_subscribe, True, False),
    ("POST", "webhook/product/unsubscribe"): (webhook_unsubscribe, True, False),
}
KNOWN_PATHS = {path for _, path in ROUTES}


def _apply_fault(fault, path: str) -> HttpResponse | None:
    if fault.kind == "rate_limit":
        status = fault.status or 200
        response = failure(1600200, "Too much request, QPS limit exceeded", status=status)
        if fault.retry_after is not None:
            response["Retry-After"] = str(fault.retry_after)
        return response
    if fault.kind == "points":
        with STATE.lock:
            info = {"usedToday": STATE.points_used, "remaining": 0, "total": STATE.daily_points or 50000}
        response = failure(
            429, "Insufficient API points, please try again after the daily reset", status=429, pointsInfo=info
        )
        if fault.retry_after is not None:
            response["Retry-After"] = str(fault.retry_after)
        return response
    if fault.kind == "invalid_token":
        return failure(1600001, "Invalid API key or access token")
    if fault.kind == "busy":
        return failure(1600000, "System busy, please try again later")
    if fault.kind == "server_error":
        return HttpResponse(
            "<html><body><h1>502 Bad Gateway</h1></body></html>", status=fault.status or 502, content_type="text/html"
        )
    return None


@csrf_exempt
def cj_api(request: HttpRequest, path: str) -> HttpResponse:
    """One entry for every CJ path: token check, rate limit, points, faults, then the handler."""
    route = ROUTES.get((request.method or "GET", path))
    if route is None:
        if path in KNOWN_PATHS:
            return failure(16900202, f"Request method '{request.method}' not supported")
        return failure(1600101, "Interface not found", status=404)
    handler, needs_token, code_zero = route
    STATE.count_call(path)
    if needs_token:
        token = request.headers.get("CJ-Access-Token", "")
        if not token:
            return failure(1600002, "CJ-Access-Token can not be empty")
        if not STATE.token_valid(token):
            return failure(1600001, "Invalid API key or access token")
        if not STATE.take_rate_token():
            return failure(1600200, "Too much request, QPS limit exceeded")
    fault = STATE.take_fault(path)
    if fault is not None and fault.kind not in ("timeout",) and not (fault.kind == "server_error" and fault.apply):
        response = _apply_fault(fault, path)
        if response is not None:
            return response
    if needs_token:
        points_info = STATE.spend_points(path)
        if points_info is not None:
            return failure(
                429,
                "Insufficient API points, please try again after the daily reset",
                status=429,
                pointsInfo=points_info,
            )
    if request.method in ("POST", "PATCH", "PUT") and request.body:
        if "json" not in request.content_type:
            return failure(16900203, "Content type not supported, use application/json")
        try:
            params = json.loads(request.body)
        except ValueError:
            return failure(16900205, "Request body is not valid JSON")
        if not isinstance(params, dict):
            return failure(16900205, "Request body must be a JSON object")
    elif request.method in ("POST", "PATCH") and path not in ("authentication/logout",):
        params = {k: v for k, v in request.GET.items()}
        if not params and path != "shopping/order/confirmOrder":
            return failure(16900204, "Request body is missing")
    else:
        params = {k: v for k, v in request.GET.items()}
    try:
        data = handler(request, params)
    except CJFailure as exc:
        response = failure(exc.code, exc.message, status=exc.http_status)
    else:
        if code_zero:
            response = JsonResponse(
                {"success": True, "code": 0, "message": None, "data": data, "requestId": str(uuid.uuid4())}
            )
        else:
            response = JsonResponse(envelope(data))
    if fault is not None and fault.kind == "server_error" and fault.apply:
        return _apply_fault(fault, path)
    if fault is not None and fault.kind == "timeout":
        time.sleep(fault.seconds)  # the call has happened; its answer arrives late
    return response
