"""Demo and tests: moving an order along at the CJ sandbox (pay, ship, deliver)."""

from __future__ import annotations

import requests
from django.conf import settings as django_settings

from nexusone.core.exceptions import InvalidTransition

from ..choices import LogOutcome
from ..models import Order
from .errors import SupplierUnreachable
from .status import log_step
from .tracking import refresh_tracking

SANDBOX_STEPS = ("UNSHIPPED", "SHIPPED", "DELIVERED")


def sandbox_control_url() -> str:
    """The CJ sandbox's control root when CJ_API_BASE_URL points at a sandbox (never at CJ itself)."""
    base = django_settings.CJ_API_BASE_URL.rstrip("/")
    if "cjdropshipping.com" in base or not base.endswith("/api2.0/v1"):
        return ""
    return base.removesuffix("/api2.0/v1") + "/control"


def advance_in_sandbox(order: Order, to_status: str) -> Order:
    """Demo and tests: move the order along at the CJ sandbox (pay, ship, deliver), then read it back."""
    root = sandbox_control_url()
    if not root or not order.external_order_id or to_status not in SANDBOX_STEPS:
        raise InvalidTransition("Only orders placed at the CJ sandbox can be advanced there.")
    try:
        response = requests.post(f"{root}/orders/{order.external_order_id}/advance", json={"to": to_status}, timeout=10)
    except requests.RequestException as exc:
        raise SupplierUnreachable() from exc
    if response.status_code >= 400:
        raise InvalidTransition(f"The sandbox refused: {response.text[:200]}")
    log_step(order, "sandbox.advanced", LogOutcome.INFO, f"Sandbox moved CJ order to {to_status}.")
    return refresh_tracking(order)
