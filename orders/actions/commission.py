"""The commission ledger: the client's and the platform's shares of each sale, reversed on refund and cancel."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Q, Sum, Value
from django.db.models.functions import Coalesce

from nexusone.accounts.models import Merchant

from ..choices import CommissionKind
from ..models import ZERO, CommissionEntry, Order

CENT = Decimal("0.01")


@dataclass(frozen=True)
class Earnings:
    sales: Decimal
    refunds: Decimal
    net: Decimal
    client_share: Decimal
    platform_share: Decimal
    orders: int


def split_commission(amount: Decimal, client_rate: Decimal) -> tuple[Decimal, Decimal]:
    """(client, platform) in cents; the platform takes the remainder so the parts sum to the whole."""
    client = (amount * client_rate).quantize(CENT, rounding=ROUND_HALF_UP)
    return client, amount - client


def record_sale_commission(order: Order) -> CommissionEntry:
    merchant = order.merchant
    client, platform = split_commission(order.total_amount, merchant.client_commission_rate)
    entry, _ = CommissionEntry.objects.get_or_create(
        merchant=merchant,
        order=order,
        kind=CommissionKind.SALE,
        defaults={
            "amount": order.total_amount,
            "client_share": client,
            "platform_share": platform,
            "client_rate": merchant.client_commission_rate,
            "platform_rate": merchant.platform_commission_rate,
            "currency": order.currency,
        },
    )
    return entry


def reverse_commission(order: Order, amount: Decimal | None, *, note: str = "") -> CommissionEntry | None:
    """A reversing row for `amount` (None: whatever is left); the last one brings the order's net to zero."""
    entries = list(CommissionEntry.objects.filter(order=order))
    sale = next((e for e in entries if e.kind == CommissionKind.SALE), None)
    if sale is None:
        return None
    net_amount = sum((e.amount for e in entries), ZERO)
    net_client = sum((e.client_share for e in entries), ZERO)
    if net_amount <= ZERO:
        return None
    amount = net_amount if amount is None else min(amount, net_amount)
    if amount == net_amount:
        client = net_client
    else:
        client, _ = split_commission(amount, sale.client_rate)
    return CommissionEntry.objects.create(
        merchant_id=order.merchant_id,
        order=order,
        kind=CommissionKind.REFUND,
        amount=-amount,
        client_share=-client,
        platform_share=-(amount - client),
        client_rate=sale.client_rate,
        platform_rate=sale.platform_rate,
        currency=sale.currency,
        note=note[:300],
    )


def commission_earnings(merchant: Merchant, start: datetime, end: datetime) -> Earnings:
    """Commission over [start, end): sales, refunds (negative) and the client/platform split of the net."""
    rows = CommissionEntry.objects.for_merchant(merchant).filter(created_at__gte=start, created_at__lt=end)
    totals = rows.aggregate(
        sales=Coalesce(Sum("amount", filter=Q(kind=CommissionKind.SALE)), Value(ZERO)),
        refunds=Coalesce(Sum("amount", filter=Q(kind=CommissionKind.REFUND)), Value(ZERO)),
        client=Coalesce(Sum("client_share"), Value(ZERO)),
        platform=Coalesce(Sum("platform_share"), Value(ZERO)),
        orders=Count("order", filter=Q(kind=CommissionKind.SALE), distinct=True),
    )
    return Earnings(
        sales=totals["sales"],
        refunds=totals["refunds"],
        net=totals["sales"] + totals["refunds"],
        client_share=totals["client"],
        platform_share=totals["platform"],
        orders=totals["orders"],
    )
