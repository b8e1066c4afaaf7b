"""One entry for every CJ path: route, token check, QPS, injected faults, points, body, then the handler."""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt

from ..state import STATE, Fault
from . import account, logistics, orders, products, stock, webhooks
from .envelope import CJFailure, envelope, failure

Handler = Callable[[HttpRequest, dict[str, Any]], Any]

# (method, path) -> (handler, needs a token, answers in the {"success": true, "code": 0} form)
ROUTES: dict[tuple[str, str], tuple[Handler, bool, bool]] = {
    ("POST", "authentication/getAccessToken"): (account.get_access_token, False, False),
    ("POST", "authentication/refreshAccessToken"): (account.refresh_access_token, False, False),
    ("POST", "authentication/logout"): (account.logout, True, False),
    ("GET", "setting/get"): (account.setting_get, True, False),
    ("GET", "shop/getShops"): (account.get_shops, True, True),
    ("GET", "product/globalWarehouseList"): (stock.warehouse_list, True, True),
    ("GET", "product/listV2"): (products.product_list_v2, True, False),
    ("GET", "product/getCategory"): (products.get_category, True, False),
    ("GET", "product/list"): (products.product_list, True, False),
    ("GET", "product/query"): (products.product_query, True, False),
    ("GET", "product/variant/query"): (products.variant_query, True, False),
    ("GET", "product/variant/queryByVid"): (products.variant_query_by_vid, True, False),
    ("GET", "product/stock/queryByVid"): (stock.stock_by_vid, True, False),
    ("GET", "product/stock/queryBySku"): (stock.stock_by_sku, True, False),
    ("GET", "product/stock/getInventoryByPid"): (stock.inventory_by_pid, True, False),
    ("POST", "logistic/freightCalculate"): (logistics.freight_calculate, True, False),
    ("GET", "logistic/trackInfo"): (logistics.track_info, True, False),
    ("GET", "logistic/getTrackInfo"): (logistics.track_info, True, False),
    ("POST", "shopping/order/createOrderV2"): (orders.create_order_v2, True, False),
    ("GET", "shopping/order/list"): (orders.order_list, True, False),
    ("GET", "shopping/order/getOrderDetail"): (orders.order_detail, True, False),
    ("DELETE", "shopping/order/deleteOrder"): (orders.delete_order, True, False),
    ("PATCH", "shopping/order/confirmOrder"): (orders.confirm_order, True, False),
    ("POST", "shopping/pay/payBalance"): (orders.pay_balance, True, False),
    ("GET", "shopping/pay/getBalance"): (orders.get_balance, True, False),
    ("POST", "shopping/sandbox/simulatePay"): (orders.sandbox_simulate_pay, True, False),
    ("POST", "shopping/sandbox/updateStatus"): (orders.sandbox_update_status, True, False),
    ("POST", "shopping/sandbox/updateTrackNumber"): (orders.sandbox_update_track_number, True, False),
    ("POST", "webhook/set"): (webhooks.webhook_set, True, False),
    ("POST", "webhook/product/subscribe"): (webhooks.webhook_subscribe, True, False),
    ("POST", "webhook/product/unsubscribe"): (webhooks.webhook_unsubscribe, True, False),
    ("GET", "webhook/product/subscribe/list"): (webhooks.webhook_subscribe_list, True, False),
}
KNOWN_PATHS = {path for _, path in ROUTES}
OUT_OF_POINTS = "Insufficient API points, please try again after the daily reset"


def _with_retry_after(response: HttpResponse, fault: Fault) -> HttpResponse:
    if fault.retry_after is not None:
        response["Retry-After"] = str(fault.retry_after)
    return response


def _apply_fault(fault: Fault) -> HttpResponse | None:
    if fault.kind == "rate_limit":
        return _with_retry_after(
            failure(1600200, "Too much request, QPS limit exceeded", status=fault.status or 200), fault
        )
    if fault.kind == "points":
        info = {**STATE.points_info(), "remaining": 0}
        return _with_retry_after(failure(429, OUT_OF_POINTS, status=429, pointsInfo=info), fault)
    if fault.kind == "invalid_token":
        return failure(1600001, "Invalid API key or access token")
    if fault.kind == "busy":
        return failure(1600000, "System busy, please try again later")
    if fault.kind == "server_error":
        return HttpResponse(
            "<html><body><h1>502 Bad Gateway</h1></body></html>", status=fault.status or 502, content_type="text/html"
        )
    return None


def _refuse_access(request: HttpRequest) -> JsonResponse | None:
    """CJ's answer when the call has no valid token or goes over the account's QPS; None lets it through."""
    token = request.headers.get("CJ-Access-Token", "")
    if not token:
        return failure(1600002, "CJ-Access-Token can not be empty")
    if not STATE.token_valid(token):
        return failure(1600001, "Invalid API key or access token")
    if not STATE.take_rate_token():
        return failure(1600200, "Too much request, QPS limit exceeded")
    return None


def _read_params(request: HttpRequest, path: str) -> dict[str, Any] | JsonResponse:
    """The call's JSON body (POST, PATCH, PUT) or query parameters; CJ's answer when the body is unusable."""
    if request.method in ("POST", "PATCH", "PUT") and request.body:
        if "json" not in request.content_type:
            return failure(16900203, "Content type not supported, use application/json")
        try:
            params = json.loads(request.body)
        except ValueError:
            return failure(16900205, "Request body is not valid JSON")
        if not isinstance(params, dict):
            return failure(16900205, "Request body must be a JSON object")
        return params
    params = {k: v for k, v in request.GET.items()}
    may_be_empty = path in ("authentication/logout", "shopping/order/confirmOrder")
    if request.method in ("POST", "PATCH") and not params and not may_be_empty:
        return failure(16900204, "Request body is missing")
    return params


def _answer(handler: Handler, request: HttpRequest, params: dict[str, Any], *, code_zero: bool) -> JsonResponse:
    try:
        data = handler(request, params)
    except CJFailure as exc:
        return failure(exc.code, exc.message, status=exc.http_status)
    if code_zero:
        return JsonResponse({"success": True, "code": 0, "message": None, "data": data, "requestId": str(uuid.uuid4())})
    return JsonResponse(envelope(data))


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
    refused = _refuse_access(request) if needs_token else None
    if refused is not None:
        return refused
    fault = STATE.take_fault(path)
    answered_late = fault is not None and (fault.kind == "timeout" or (fault.kind == "server_error" and fault.apply))
    if fault is not None and not answered_late:
        response = _apply_fault(fault)
        if response is not None:
            return response
    if needs_token:
        points_info = STATE.spend_points(path)
        if points_info is not None:
            return failure(429, OUT_OF_POINTS, status=429, pointsInfo=points_info)
    params = _read_params(request, path)
    if isinstance(params, JsonResponse):
        return params
    response = _answer(handler, request, params, code_zero=code_zero)
    if fault is not None and fault.kind == "server_error" and fault.apply:
        return _apply_fault(fault)
    if fault is not None and fault.kind == "timeout":
        time.sleep(fault.seconds)  # the call has happened; its answer arrives late
    return response
