"""Shipping quotes from the supplier (shared between concurrent askers, orders.quotes) and the choice of one."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError

from nexusone.accounts.models import Merchant
from nexusone.suppliers.base import OrderLineRequest, ShippingQuote
from nexusone.suppliers.errors import SupplierNotConnected
from nexusone.suppliers.models import SupplierAccount
from nexusone.suppliers.registry import get_supplier

from .. import quotes
from .settings import get_fulfillment_settings, get_supplier_account


@dataclass(frozen=True)
class QuoteSource:
    """What a quote depends on besides the items and destination: the merchant's CJ account and ship-from country.

    Enough to find a cached quote; the account row itself is read only when CJ must be asked."""

    account_id: Any
    from_country: str


def quote_shipping(
    merchant: Merchant, lines: list[OrderLineRequest], *, to_country_code: str, account: SupplierAccount | None = None
) -> list[ShippingQuote]:
    """Shipping options from the supplier, cheapest first, shared by concurrent askers and cached briefly.

    Raises SupplierRateLimited or SupplierUnavailable when CJ cannot quote right now (orders.quotes)."""
    account = account or get_supplier_account(merchant)
    if account is None:
        raise SupplierNotConnected()
    source = QuoteSource(account.pk, get_fulfillment_settings(merchant, account).from_country_code)
    return quote_from(merchant, source, lines, to_country_code=to_country_code, account=account)


def quote_from(
    merchant: Merchant,
    source: QuoteSource,
    lines: list[OrderLineRequest],
    *,
    to_country_code: str,
    account: SupplierAccount | None = None,
) -> list[ShippingQuote]:
    """quote_shipping for a caller that knows the QuoteSource: a cached quote costs no database read."""
    key = quotes.quote_key(source.account_id, lines, to_country_code, source.from_country)

    def ask() -> list[ShippingQuote]:
        supplier = get_supplier(account or _connected_account(merchant))
        return supplier.quote_shipping(lines, to_country_code=to_country_code, from_country_code=source.from_country)

    return quotes.shared_quote(key, ask)


def _connected_account(merchant: Merchant) -> SupplierAccount:
    account = get_supplier_account(merchant)
    if account is None:
        raise SupplierNotConnected()
    return account


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
