"""The sandbox's pages (catalog at CJ-shaped URLs, placeholder images) and its control endpoints.

Control endpoints live under `control/`, never under CJ's `api2.0/v1/` paths (README.md).
"""

from __future__ import annotations

import hashlib
import json
import urllib.parse
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.html import escape
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET

from .catalog import SandboxProduct
from .state import FAULT_KINDS, ORDER_FLOW, STATE, Fault


def product_slug(product: SandboxProduct) -> str:
    """CJ's slug: the lower-cased English name with spaces turned into `-`, URL-encoded."""
    return urllib.parse.quote(product.name_en.lower().replace(" ", "-"))


def product_path(product: SandboxProduct) -> str:
    return f"product/{product_slug(product)}-p-{product.pid}.html"


@require_GET
def front_page(request: HttpRequest) -> HttpResponse:
    keyword = request.GET.get("q", "").strip().lower()
    with STATE.lock:
        products = [p for p in STATE.products.values() if not keyword or keyword in p.name_en.lower()]
    page = Paginator(products, 48).get_page(request.GET.get("page"))
    rows = [{"product": p, "path": product_path(p)} for p in page.object_list]
    return render(request, "cj_sandbox/front.html", {"page": page, "rows": rows, "q": keyword})


@require_GET
def product_page(request: HttpRequest, slug: str, pid: str) -> HttpResponse:
    product = STATE.product(pid)
    if product is None:
        raise Http404("No such product")
    return render(request, "cj_sandbox/product.html", {"product": product, "path": product_path(product)})


@require_GET
def image(request: HttpRequest, key: str) -> HttpResponse:
    """A deterministic SVG placeholder for a product or variant id."""
    with STATE.lock:
        product = STATE.product(key)
        variant = STATE.variants.get(key)
    if product is None and variant is None:
        raise Http404("No such image")
    label = product.name_en if product else variant.name_en
    digest = hashlib.sha256(key.encode()).hexdigest()
    hue = int(digest[:4], 16) % 360
    words = label.split()
    lines = [" ".join(words[i : i + 2]) for i in range(0, len(words), 2)][:3]
    text = "".join(
        f'<text x="200" y="{170 + i * 34}" font-size="26" text-anchor="middle" fill="#fff" '
        f'font-family="sans-serif">{escape(line)}</text>'
        for i, line in enumerate(lines)
    )
    svg = (
        '<svg xmlns="http://www.w3.org/2000/svg" width="400" height="400" viewBox="0 0 400 400">'
        f'<rect width="400" height="400" fill="hsl({hue},55%,45%)"/>'
        f'<circle cx="200" cy="95" r="48" fill="hsl({(hue + 40) % 360},65%,70%)"/>'
        f"{text}</svg>"
    )
    response = HttpResponse(svg, content_type="image/svg+xml")
    response["Cache-Control"] = "public, max-age=86400"
    return response


# --- control ---------------------------------------------------------------------------------------
def _body(request: HttpRequest) -> dict[str, Any]:
    if not request.body:
        return {}
    try:
        data = json.loads(request.body)
    except ValueError as exc:
        raise ValueError("the body is not valid JSON") from exc
    if not isinstance(data, dict):
        raise ValueError("the body must be a JSON object")
    return data


def _error(message: str, status: int = 400) -> JsonResponse:
    return JsonResponse({"error": message}, status=status)


@csrf_exempt
def control_state(request: HttpRequest) -> JsonResponse:
    """GET: counters and configuration. POST: change configuration (qps, points, webhook URL...)."""
    if request.method == "POST":
        try:
            body = _body(request)
        except ValueError as exc:
            return _error(str(exc))
        with STATE.lock:
            if "qps" in body:
                STATE.qps = float(body["qps"] or 0)
                STATE.arrivals.clear()
            if "daily_points" in body:
                STATE.daily_points = int(body["daily_points"] or 0)
                STATE.points_used = 0
            if "subscription_cap" in body:
                STATE.subscription_cap = max(0, int(body["subscription_cap"] or 0))
            if "token_call_interval" in body:
                STATE.token_call_interval = float(body["token_call_interval"] or 0)
            if "webhook_url" in body:
                STATE.webhook_url_override = str(body["webhook_url"] or "")
            if "deliver_synchronously" in body:
                STATE.deliver_synchronously = bool(body["deliver_synchronously"])
            if "webhook_retries" in body:
                STATE.webhook_retries = max(0, min(int(body["webhook_retries"] or 0), 3))
            if "webhook_retry_delay" in body:
                STATE.webhook_retry_delay = max(0.0, float(body["webhook_retry_delay"] or 0))
            if body.get("revoke_tokens"):
                STATE.revoke_all_tokens()
            if body.get("reset_stats"):
                STATE.stats = {"calls": 0, "rate_limited": 0, "by_path": {}}
    with STATE.lock:
        return JsonResponse(
            {
                "products": len(STATE.products),
                "orders": len(STATE.orders),
                "qps": STATE.qps,
                "daily_points": STATE.daily_points,
                "points_used": STATE.points_used,
                "token_call_interval": STATE.token_call_interval,
                "webhook_url": STATE.webhook_url_override,
                "webhooks": STATE.webhooks,
                "subscribed": sorted(STATE.subscribed),
                "subscription_cap": STATE.subscription_cap,
                "faults": [f.describe() for f in STATE.faults],
                "stats": STATE.stats,
                "webhook_retries": STATE.webhook_retries,
                "webhook_retry_delay": STATE.webhook_retry_delay,
                "deliveries": [d.__dict__ for d in STATE.deliveries[-50:]],
            }
        )


@csrf_exempt
def control_reset(request: HttpRequest) -> JsonResponse:
    if request.method != "POST":
        return _error("POST to reset", 405)
    STATE.reset()
    return JsonResponse({"reset": True, "products": len(STATE.products)})


@csrf_exempt
def control_faults(request: HttpRequest) -> JsonResponse:
    """POST {"path", "kind", "count"?, "status"?, "seconds"?, "retry_after"?, "apply"?}; DELETE clears all."""
    if request.method == "DELETE":
        with STATE.lock:
            STATE.faults.clear()
        return JsonResponse({"faults": []})
    if request.method != "POST":
        with STATE.lock:
            return JsonResponse({"faults": [f.describe() for f in STATE.faults]})
    try:
        body = _body(request)
    except ValueError as exc:
        return _error(str(exc))
    kind = body.get("kind")
    if kind not in FAULT_KINDS:
        return _error(f"kind must be one of {sorted(FAULT_KINDS)}")
    if not body.get("path"):
        return _error("path is required (a CJ path such as product/query, or *)")
    fault = Fault(
        path=str(body["path"]).strip("/"),
        kind=kind,
        remaining=int(body.get("count", 1)),
        status=int(body["status"]) if body.get("status") else None,
        seconds=float(body.get("seconds", 5)),
        retry_after=int(body["retry_after"]) if body.get("retry_after") is not None else None,
        apply=bool(body.get("apply", False)),
    )
    with STATE.lock:
        STATE.faults.append(fault)
    return JsonResponse({"fault": fault.describe()}, status=201)


@csrf_exempt
def control_stock(request: HttpRequest) -> JsonResponse:
    """POST {"vid", "quantity", "countryCode"?: "CN", "factory"?: 0}: set a variant's stock (pushes STOCK)."""
    if request.method != "POST":
        return _error("POST to change stock", 405)
    try:
        body = _body(request)
        vid = str(body["vid"])
        quantity = int(body["quantity"])
        factory = int(body.get("factory", 0))
    except (ValueError, KeyError, TypeError) as exc:
        return _error(f"vid and an integer quantity are required ({exc})")
    if vid not in STATE.variants:
        return _error("unknown vid", 404)
    variant = STATE.set_stock(vid, str(body.get("countryCode", "CN")).upper(), quantity, factory)
    return JsonResponse({"vid": vid, "stock": {c: sum(v) for c, v in variant.stock.items()}})


@csrf_exempt
def control_price(request: HttpRequest) -> JsonResponse:
    """POST {"vid", "price"}: change a variant's sell price (pushes VARIANT and PRODUCT)."""
    if request.method != "POST":
        return _error("POST to change a price", 405)
    try:
        body = _body(request)
        vid = str(body["vid"])
        price = Decimal(str(body["price"])).quantize(Decimal("0.01"))
    except (ValueError, KeyError, TypeError, InvalidOperation) as exc:
        return _error(f"vid and a decimal price are required ({exc})")
    if vid not in STATE.variants or price <= 0:
        return _error("unknown vid or a price that is not positive", 404 if vid not in STATE.variants else 400)
    STATE.set_price(vid, price)
    return JsonResponse({"vid": vid, "price": f"{price:.2f}"})


@csrf_exempt
def control_product(request: HttpRequest, pid: str) -> JsonResponse:
    """POST {"on_sale": bool}: take a product off shelf or back on sale (pushes PRODUCT)."""
    if request.method != "POST":
        return _error("POST to change a product", 405)
    if STATE.product(pid) is None:
        return _error("unknown pid", 404)
    try:
        body = _body(request)
    except ValueError as exc:
        return _error(str(exc))
    product = STATE.set_on_sale(STATE.product(pid).pid, bool(body.get("on_sale", True)))
    return JsonResponse({"pid": product.pid, "on_sale": product.on_sale})


@csrf_exempt
def control_order_advance(request: HttpRequest, order_id: str) -> JsonResponse:
    """POST {"to"?: "SHIPPED"}: move an order one step (or up to `to`) along CJ's statuses."""
    if request.method != "POST":
        return _error("POST to advance an order", 405)
    order = STATE.find_order(order_id)
    if order is None:
        return _error("unknown order", 404)
    try:
        body = _body(request)
        target = body.get("to")
        if target is not None and target not in ORDER_FLOW:
            return _error(f"to must be one of {ORDER_FLOW}")
        STATE.advance_order(order, target)
    except ValueError as exc:
        return _error(str(exc), 409)
    with STATE.lock:
        return JsonResponse(STATE.order_payload(order, detail=True))


@csrf_exempt
def control_tick(request: HttpRequest) -> JsonResponse:
    """POST {"changes"?: 10}: move a few stock levels and prices, as CJ's catalog does (pushes webhooks)."""
    if request.method != "POST":
        return _error("POST to move the catalog", 405)
    try:
        changes = int(_body(request).get("changes", 10))
    except (ValueError, TypeError) as exc:
        return _error(f"changes must be an integer ({exc})")
    return JsonResponse({"changes": STATE.tick(max(0, min(changes, 500)))})
