"""Turning a request into an order: quote, then order, lines, outbox row and reservation, all or nothing."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection
from django.db.models import CharField, QuerySet, UUIDField
from django.db.models.expressions import RawSQL
from django.utils import timezone

from nexusone.accounts.models import Merchant
from nexusone.core.audit import audit_event
from nexusone.suppliers.base import ShippingQuote, SupplierRateLimited, SupplierRejected, SupplierUnavailable
from nexusone.suppliers.errors import SupplierNotConnected

from ..choices import LogOutcome, OrderSource, OrderStatus
from ..models import ZERO, FulfillmentLog, Order, OrderLine, OrderStatusEvent, SupplierSubmission
from .errors import SupplierUnreachable
from .lines import LineInput, OrderInput, ResolvedLine, catalog_variants, resolve_lines, supplier_lines, unit_price
from .outbox import dispatch_submission
from .reservations import refuse_if_short, reserve_stock_with
from .settings import get_fulfillment_settings, get_supplier_account
from .shipping import QuoteSource, choose_quote, quote_from, quote_shipping
from .status import announce_new_order, publish_status

if TYPE_CHECKING:
    from nexusone.accounts.models import User


def quote_items(merchant: Merchant, items: list[LineInput], *, country_code: str) -> list[ShippingQuote]:
    """The shipping options CJ offers for these catalog items to a country, cheapest first (the API's `quote`
    and the order entry page). Unknown items and a refused destination are ValidationErrors naming the field."""
    lines = resolve_lines(merchant, items)
    try:
        return quote_shipping(merchant, supplier_lines(lines), to_country_code=country_code)
    except SupplierRejected as exc:
        raise ValidationError({"country_code": str(exc)}) from exc
    except (SupplierUnavailable, SupplierRateLimited) as exc:
        raise SupplierUnreachable() from exc


@dataclass(frozen=True)
class _Shipping:
    """The shipping an order is taken with: quoted now, or left to the outbox to quote (`note` says why)."""

    method: str
    cost: Decimal
    days: str
    note: str = ""

    def log_message(self, currency: str) -> str:
        return self.note or f"{self.method}: {self.cost} {currency} ({self.days} days)"


def create_order(
    merchant: Merchant, data: OrderInput, *, by: User | None = None, source: str = OrderSource.API
) -> tuple[Order, bool]:
    """Create an order, or return the one with the same reference (created=False, nothing reserved).

    Reads: one query for the variants, whether the reference is taken, the CJ account's id and the ship-from
    country; the account row itself only when CJ must be asked for a quote (not when it is cached). Writes: every
    row and the stock reservation in one statement (one variant) or one transaction. The unique reference stays
    the authority for duplicates that race past the read."""
    reference = data.reference.strip()
    same_reference = Order.objects.for_merchant(merchant).filter(reference=reference).order_by().values("pk")
    variants = list(_variants_with_context(merchant, data.items, reference)) if data.items else []
    existing_id = variants[0].existing_order_id if variants else same_reference.values_list("pk", flat=True).first()
    if existing_id is not None:
        return Order.objects.get(pk=existing_id), False
    lines = resolve_lines(merchant, data.items, variants)
    # Before asking the supplier anything: an order we cannot fill costs no quote (and no CJ call on a miss).
    refuse_if_short(lines)
    shipping = _shipping_for(merchant, _quote_source(merchant, variants[0]), lines, data)
    try:
        return _write_order(merchant, data, lines, shipping, by=by, source=source), True
    except IntegrityError:
        # The same reference won a race with us: its order stands, our reservation rolled back.
        existing = Order.objects.for_merchant(merchant).filter(reference=reference).first()
        if existing is None:
            raise
        return existing, False


# What every order reads with its variants, in the same query: the order that already has the reference, the
# CJ account's id and the ship-from country. Written as SQL once rather than built and compiled by the ORM on
# each request (three subqueries cost about a millisecond of Python per order taken or refused).
EXISTING_ORDER_SQL = "(SELECT o.id FROM orders_order o WHERE o.merchant_id = %s AND o.reference = %s LIMIT 1)"
CJ_ACCOUNT_SQL = """(SELECT a.id FROM suppliers_supplieraccount a
    WHERE a.merchant_id = %s AND a.supplier = 'cj' ORDER BY a.id LIMIT 1)"""
SHIP_FROM_SQL = "(SELECT s.from_country_code FROM orders_fulfillmentsettings s WHERE s.merchant_id = %s LIMIT 1)"


def _variants_with_context(merchant: Merchant, items: list[LineInput], reference: str) -> QuerySet:
    """The items' variants, each carrying the order that already has this reference (`existing_order_id`), the
    CJ account's id (`cj_account_id`) and the ship-from country (`ship_from`): the same on every row."""
    store = Order._meta.get_field("merchant").get_db_prep_value(merchant.pk, connection)  # (SQLite: hex)
    # (The SQL is the constants above; every value is a parameter.)
    return catalog_variants(merchant, items).annotate(
        existing_order_id=RawSQL(EXISTING_ORDER_SQL, [store, reference], output_field=UUIDField()),  # noqa: S611
        cj_account_id=RawSQL(CJ_ACCOUNT_SQL, [store], output_field=UUIDField()),  # noqa: S611
        ship_from=RawSQL(SHIP_FROM_SQL, [store], output_field=CharField()),  # noqa: S611
    )


def _quote_source(merchant: Merchant, variant: Any) -> QuoteSource:
    """Who quotes this order, from what the variants' query read; a merchant without a CJ account or without
    fulfillment settings yet takes the slower path that creates them (a platform key) or refuses."""
    if variant.cj_account_id is not None and variant.ship_from is not None:
        return QuoteSource(variant.cj_account_id, variant.ship_from)
    account = get_supplier_account(merchant)
    if account is None:
        raise SupplierNotConnected()
    return QuoteSource(account.pk, get_fulfillment_settings(merchant, account).from_country_code)


def _shipping_for(merchant: Merchant, source: QuoteSource, lines: list[ResolvedLine], data: OrderInput) -> _Shipping:
    country = data.shipping_address.get("country_code", "").upper()
    try:
        quote = choose_quote(
            quote_from(merchant, source, supplier_lines(lines), to_country_code=country), data.shipping_method
        )
    except (SupplierUnavailable, SupplierRateLimited) as exc:
        # CJ is down, its circuit is open or it asks us to slow down: take the order now, quote again before it
        # goes out (the outbox re-quotes an order without a shipping cost).
        reason = str(exc) or type(exc).__name__
        note = f"Shipping not quoted yet ({reason}); it is quoted again before the order goes to CJ."
        return _Shipping(data.shipping_method, ZERO, "", note)
    except SupplierRejected as exc:
        raise ValidationError({"shipping_address": f"CJ cannot quote shipping here: {exc}"}) from exc
    return _Shipping(quote.method, quote.cost, quote.days)


def _write_order(
    merchant: Merchant,
    data: OrderInput,
    lines: list[ResolvedLine],
    shipping: _Shipping,
    *,
    by: User | None,
    source: str,
) -> Order:
    """The order, its lines, first status event, outbox row, log and audit rows, inserted with the reservation:
    one statement for a one-variant order (inventory.stock.reserve_with), else a transaction of one INSERT for
    every row and the reservation last. Either way the order exists only if its stock was reserved.

    The creation is recorded by the order.created AuditEvent, the first status event and the fulfillment log;
    auditlog's copy of every initial field would add an INSERT and the diffing of ~40 fields to each order (later
    changes are still audit-logged with old and new values). None of these models has save() logic or signals."""
    order = _new_order(merchant, data, lines, shipping, by=by, source=source)
    order_lines = [_order_line(order, line) for line in lines]
    # CJ's orderNumber is our order id, never the store's reference: two merchants (or a store's own CJ orders)
    # may share a reference, and CJ answers a repeat with the existing order, which would bind this order to
    # someone else's.
    submission = SupplierSubmission(
        merchant=merchant, order=order, idempotency_key=str(order.pk), next_attempt_at=timezone.now()
    )
    reserve_stock_with(
        merchant,
        lines,
        [order],
        order_lines,
        [OrderStatusEvent(merchant=merchant, order=order, to_status=OrderStatus.PENDING, source=source, actor=by)],
        [submission],
        _creation_log(order, lines, shipping),
        [audit_event("order.created", merchant=merchant, actor=by, target=order, data={"reference": order.reference})],
    )
    # After the commit (at once outside a caller's transaction): queue it for CJ, tell open pages and the store.
    dispatch_submission(submission.pk)
    publish_status(order)
    announce_new_order(order)
    # What the caller renders needs no second round trip.
    order._prefetched_objects_cache = {
        "lines": _as_prefetched(order.lines.all(), order_lines),
        "shipments": _as_prefetched(order.shipments.all(), []),
    }
    order.submission = submission
    return order


def _new_order(
    merchant: Merchant,
    data: OrderInput,
    lines: list[ResolvedLine],
    shipping: _Shipping,
    *,
    by: User | None,
    source: str,
) -> Order:
    subtotal = sum((unit_price(line.variant) * line.quantity for line in lines), ZERO)
    return Order(
        merchant=merchant,
        reference=data.reference.strip(),
        source=source,
        customer_name=data.customer_name.strip(),
        customer_email=data.customer_email.strip(),
        customer_phone=data.customer_phone.strip(),
        shipping_address=data.shipping_address,
        shipping_method=shipping.method,
        shipping_days=shipping.days,
        shipping_cost=shipping.cost,
        subtotal=subtotal,
        total_amount=subtotal + shipping.cost,
        currency=lines[0].variant.product.currency,
        created_by=by,
    )


def _creation_log(order: Order, lines: list[ResolvedLine], shipping: _Shipping) -> list[FulfillmentLog]:
    stock_reserved = ", ".join(f"{line.quantity} × {line.variant.sku}" for line in lines)
    quoted = LogOutcome.RETRY if shipping.note else LogOutcome.OK
    return [
        FulfillmentLog(merchant_id=order.merchant_id, order=order, step="stock.reserved", message=stock_reserved),
        FulfillmentLog(
            merchant_id=order.merchant_id,
            order=order,
            step="shipping.quoted",
            outcome=quoted,
            message=shipping.log_message(order.currency),
        ),
    ]


def _order_line(order: Order, line: ResolvedLine) -> OrderLine:
    variant = line.variant
    return OrderLine(
        merchant_id=order.merchant_id,
        order=order,
        product=variant.product,
        variant=variant,
        product_name=variant.product.name,
        variant_name=variant.name,
        sku=variant.sku,
        external_product_id=variant.product.external_id,
        external_variant_id=variant.external_id,
        quantity=line.quantity,
        unit_price=unit_price(variant),
        unit_cost=variant.cost_price,
    )


def _as_prefetched(queryset: Any, rows: list) -> Any:
    """A queryset whose rows we already hold (as prefetch_related would leave it)."""
    queryset._result_cache = rows
    queryset._prefetch_done = True
    return queryset
