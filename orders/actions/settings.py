"""A merchant's fulfillment settings, its CJ account as orders see it, and CJ's webhooks pointed at us."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings as django_settings
from django.core.exceptions import ValidationError
from django.urls import reverse

from nexusone.accounts.models import Merchant
from nexusone.core.audit import record_event
from nexusone.suppliers import actions as suppliers
from nexusone.suppliers.base import SupplierError, SupplierUnavailable
from nexusone.suppliers.errors import SupplierNotConnected
from nexusone.suppliers.models import SupplierAccount
from nexusone.suppliers.registry import get_supplier

from ..models import FulfillmentSettings
from .errors import SupplierUnreachable

if TYPE_CHECKING:
    from nexusone.accounts.models import User


def get_supplier_account(merchant: Merchant) -> SupplierAccount | None:
    """The merchant's CJ account, with the fulfillment settings fetched in the same query."""
    return suppliers.get_supplier_account(merchant, related=("merchant__fulfillment_settings",))


def webhook_url() -> str:
    """Our public receiver for CJ's webhooks."""
    return django_settings.SITE_URL.rstrip("/") + reverse("webhook-cj")


def register_webhooks(merchant: Merchant, url: str = "", *, enable: bool = True, by: User | None = None) -> str:
    """Ask CJ to send (enable=False: to stop sending) the merchant's product, stock, order and logistics
    messages to `url`, by default our receiver. Returns the URL; the change is an audit event."""
    account = get_supplier_account(merchant)
    if account is None:
        raise SupplierNotConnected()
    url = url or webhook_url()
    register = getattr(get_supplier(account), "register_webhooks", None)
    if register is None:
        raise SupplierNotConnected("This supplier does not send webhooks.")
    try:
        register(url, enable=enable)
    except SupplierUnavailable as exc:
        raise SupplierUnreachable() from exc
    except SupplierError as exc:
        raise ValidationError({"webhook_url": f"CJ refused {url}: {exc}"}) from exc
    event = "orders.webhooks_registered" if enable else "orders.webhooks_cancelled"
    record_event(event, merchant=merchant, actor=by, data={"url": url})
    return url


def get_fulfillment_settings(merchant: Merchant, account: SupplierAccount | None = None) -> FulfillmentSettings:
    if account is not None:
        try:
            return account.merchant.fulfillment_settings
        except FulfillmentSettings.DoesNotExist:
            pass
    settings_row, _ = FulfillmentSettings.objects.get_or_create(merchant=merchant)
    return settings_row


def update_fulfillment_settings(
    merchant: Merchant, *, pay_from_balance: bool, from_country_code: str, by: User | None = None
) -> FulfillmentSettings:
    from nexusone.accounts.plans import require_feature

    if pay_from_balance:
        require_feature(merchant.plan, "automatic_fulfillment")
    code = (from_country_code or "").strip().upper()
    if len(code) != 2 or not code.isalpha():
        raise ValidationError({"from_country_code": "Use a two-letter country code, e.g. CN or US."})
    row = get_fulfillment_settings(merchant)
    row.pay_from_balance, row.from_country_code = pay_from_balance, code
    row.save()
    record_event("orders.settings_changed", merchant=merchant, actor=by, target=row, data={"pay": pay_from_balance})
    return row
