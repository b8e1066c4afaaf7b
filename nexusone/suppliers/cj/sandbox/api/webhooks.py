"""CJ's webhook settings: `webhook/set` and product subscriptions."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from ..state import STATE
from .envelope import CJFailure


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
        ok = []
        for pid in ids:
            # CJ caps the subscriptions of an account by its level (lv1 1000 … lv5 10000).
            room = pid in STATE.subscribed or len(STATE.subscribed) < STATE.subscription_cap
            if pid in STATE.products and room:
                STATE.subscribed.add(pid)
                ok.append(pid)
    return {"successProductIds": ok, "failProductIds": [pid for pid in ids if pid not in ok]}


def webhook_unsubscribe(request: HttpRequest, body: dict[str, Any]) -> Any:
    ids = [str(pid) for pid in body.get("productIds") or []]
    with STATE.lock:
        STATE.subscribed.difference_update(ids)
    return {"successProductIds": ids, "failProductIds": []}


def webhook_subscribe_list(request: HttpRequest, params: dict[str, Any]) -> Any:
    """The subscribed product ids. CJ documents the path (`?shopId=`), not the answer's shape: ours is a page."""
    with STATE.lock:
        ids = sorted(STATE.subscribed)
    return {"total": len(ids), "list": [{"productId": pid} for pid in ids]}
