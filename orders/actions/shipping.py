"""Shipping quotes from the supplier (shared between concurrent askers, orders.quotes) and the choice of one."""

from __future__ import annotations

from django.core.exceptions import ValidationError

from nexusone.accounts.models import Merchant
from nexusone.suppliers.base import OrderLineRequest, ShippingQuote
from nexusone.suppliers.errors import SupplierNotConnected
from nexusone.suppliers.models import SupplierAccount
from nexusone.suppliers.registry import get_supplier

from .. import quotes
from .settings import get_fulfillment_settings, get_supplier_account


def quote_shipping(
    merchant: Merchant, lines: list[OrderLineRequest], *, to_country_code: str, account: SupplierAccount | None = None
) -> list[ShippingQuote]:
    """Shipping options from the supplier, cheapest first, shared by concurrent askers and cached briefly.

    Raises SupplierRateLimited or SupplierUnavailable when CJ cannot quote right now (orders.quotes)."""
    account = account or get_supplier_account(merchant)
    if account is None:
        raise SupplierNotConnected()
    from_country = get_fulfillment_settings(merchant, account).from_country_code
    key = quotes.quote_key(account.pk, lines, to_country_code, from_country)
    supplier = get_supplier(account)
    return quotes.shared_quote(
        key, lambda: supplier.quote_shipping(lines, to_country_code=to_country_code, from_country_code=from_country)
    )


def choose_quote(quotes: list[ShippingQuote], method: str = "") -> ShippingQuote:
    if not quotes:
        raise ValidationError({"shipping_method": "CJ offers no shipping to this address for these items."})
    if not method:
        return min(quotes, key=lambda q: q.cost)
    for quote in quotes:
        if quote.method.lower() == method.lower():
            return quote
    offered = ", ".join(q.method for q in quotes)
    raise ValidationError({"shipping_method": f"{method!r} is not offered here; choose one of: {offered}."})
