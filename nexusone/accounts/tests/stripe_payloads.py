"""Stripe objects and events shaped as in Stripe's API reference, and the signature scheme they arrive with."""

from __future__ import annotations

import hashlib
import hmac
import json

WEBHOOK_SECRET = "whsec_test_secret"
NOW = 1_700_000_000  # 2023-11-14T22:13:20Z


def sign(payload: bytes, *, timestamp: int = NOW, secret: str = WEBHOOK_SECRET) -> str:
    """Stripe-Signature: t=<unix>,v1=<hex HMAC-SHA256 of "<t>.<body>" keyed by the endpoint secret>."""
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + payload, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def event(event_type: str, obj: dict, *, event_id: str = "evt_1NG8Du2eZvKYlo2CUI79vXWy", created: int = NOW) -> bytes:
    return json.dumps(
        {
            "id": event_id,
            "object": "event",
            "api_version": "2025-10-29.clover",
            "created": created,
            "data": {"object": obj},
            "livemode": False,
            "pending_webhooks": 1,
            "request": {"id": None, "idempotency_key": None},
            "type": event_type,
        }
    ).encode()


def checkout_session(merchant_id: str, *, plan: str = "pro", url: str = "", payment_status: str = "paid") -> dict:
    return {
        "id": "cs_test_a1b2c3",
        "object": "checkout.session",
        "cancel_url": "http://testserver/accounts/settings/plan/?checkout=cancelled",
        "client_reference_id": merchant_id,
        "created": NOW,
        "customer": "cus_NffrFeUfNV2Hib",
        "customer_email": None,
        "expires_at": NOW + 86400,
        "livemode": False,
        "metadata": {"merchant_id": merchant_id, "plan": plan},
        "mode": "subscription",
        "payment_status": payment_status,
        "status": "complete" if payment_status == "paid" else "open",
        "subscription": "sub_1MowQVLkdIwHu7ixeRlqHVzs",
        "success_url": "http://testserver/accounts/settings/plan/?checkout=success",
        "url": url or None,
    }


def subscription(merchant_id: str, *, status: str = "active", price: str = "price_pro", sub_id: str = "") -> dict:
    return {
        "id": sub_id or "sub_1MowQVLkdIwHu7ixeRlqHVzs",
        "object": "subscription",
        "cancel_at_period_end": False,
        "created": NOW,
        "customer": "cus_NffrFeUfNV2Hib",
        "items": {
            "object": "list",
            "data": [
                {
                    "id": "si_NcLYdDxLHxlFo7",
                    "object": "subscription_item",
                    "price": {"id": price, "object": "price", "recurring": {"interval": "month"}},
                    "quantity": 1,
                }
            ],
        },
        "livemode": False,
        "metadata": {"merchant_id": merchant_id},
        "status": status,
    }


def invoice(*, next_attempt: int | None = NOW + 3 * 86400) -> dict:
    return {
        "id": "in_1MtHbELkdIwHu7ixl4OzzPMv",
        "object": "invoice",
        "attempt_count": 1,
        "billing_reason": "subscription_cycle",
        "customer": "cus_NffrFeUfNV2Hib",
        "next_payment_attempt": next_attempt,
        "status": "open",
    }


def portal_session(url: str) -> dict:
    return {
        "id": "bps_1MrSjzLkdIwHu7ixex0IvU9b",
        "object": "billing_portal.session",
        "configuration": "bpc_1MAhNDLkdIwHu7ixckACO1Jq",
        "created": NOW,
        "customer": "cus_NffrFeUfNV2Hib",
        "flow": None,
        "livemode": False,
        "locale": None,
        "on_behalf_of": None,
        "return_url": "http://testserver/accounts/settings/plan/",
        "url": url,
    }
