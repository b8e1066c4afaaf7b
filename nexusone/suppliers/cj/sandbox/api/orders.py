"""CJ's order endpoints (`shopping/order/*`, `shopping/pay/*`) and its sandbox-order drivers (`shopping/sandbox/*`)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.http import HttpRequest

from ..state import STATE, SandboxOrder, now_utc
from .envelope import CJFailure, int_param, param, require

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
    require(body, ORDER_REQUIRED)
    number = str(body["orderNumber"])
    if len(number) > 50:
        raise CJFailure(1600300, "param error: orderNumber is longer than 50")
    if STATE.order_by_number(number) is not None:
        raise CJFailure(1603003, "Order exist, please do not duplicate create")
    to_country = str(body["shippingCountryCode"]).upper()
    order_id, code = STATE.next_order_ids()
    with STATE.lock:
        lines, product_amount, weight = _order_lines(body["products"], order_id)
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
    return _created_payload(order, pay_type)


def _order_lines(items: list[dict[str, Any]], order_id: str) -> tuple[list[dict[str, Any]], Decimal, int]:
    """The order's lines (each variant found by vid or SKU, on sale), its product amount and weight."""
    lines, product_amount, weight = [], Decimal("0"), 0
    for index, item in enumerate(items):
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
    return lines, product_amount, weight


def _created_payload(order: SandboxOrder, pay_type: int) -> dict[str, Any]:
    """createOrderV2's answer: the amounts, the pay link for payType 1, one row per line."""
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
    page = int_param(params, "pageNum", 1, 1, 100000)
    size = int_param(params, "pageSize", 20, 1, 200)
    wanted_ids = set(request.GET.getlist("orderIds"))
    status = param(params, "status")
    shipment = param(params, "shipmentOrderId")
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
    order = _order_or_fail(param(params, "orderId"))
    with STATE.lock:
        data = STATE.order_payload(order, detail=True)
    if "LOGISTICS_TIMELINESS" in request.GET.getlist("features"):
        data["logisticsTimeliness"] = {
            "logisticsModes": [{"logisticsName": order.logistic_name, "arrivalTime": "7-15"}]
        }
    return data


def delete_order(request: HttpRequest, params: dict[str, Any]) -> Any:
    order = _order_or_fail(param(params, "orderId"))
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
