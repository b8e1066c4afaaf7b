"""Numbers for the dashboard home; each app contributes through its models."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.apps import apps

if TYPE_CHECKING:
    from nexusone.accounts.models import Merchant


def dashboard_counts(merchant: Merchant) -> list[dict]:
    product = apps.get_model("inventory", "Product")
    products = product.objects.for_merchant(merchant)
    limit = merchant.capabilities.product_limit
    counts = [
        {"label": "Products", "value": products.count(), "hint": f"of {limit}" if limit else "unlimited plan"},
        {"label": "Active products", "value": products.filter(is_active=True).count(), "hint": "on sale"},
        {"label": "Out of stock", "value": products.filter(stock_quantity=0).count(), "hint": "need attention"},
    ]
    if apps.is_installed("orders") and _has_model("orders", "Order"):
        orders = apps.get_model("orders", "Order").objects.filter(merchant=merchant)
        counts.append({"label": "Orders", "value": orders.count(), "hint": "all time"})
    if apps.is_installed("analytics"):
        from analytics.actions import dashboard_cards

        counts += dashboard_cards(merchant)
    return counts


def dashboard_health(merchant: Merchant) -> Any:
    """The sync health panel (inventory's figures) when inventory is installed."""
    if not apps.is_installed("inventory"):
        return None
    from inventory.actions import sync_health

    return sync_health(merchant)


def _has_model(app_label: str, model_name: str) -> bool:
    try:
        apps.get_model(app_label, model_name)
    except LookupError:
        return False
    return True
