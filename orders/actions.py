"""Order operations: every change to an order goes through a function here.

create → reserve stock → quote → order + lines + outbox row in one transaction → (after commit)
submit to the supplier under our idempotency key → confirmed. Status moves only through
`transition_order` and the table in choices.TRANSITIONS.
"""

from __future__ import annotations

import logging
import time
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any

import requests
from auditlog.context import disable_auditlog
from django.conf import settings as django_settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import IntegrityError, OperationalError, connection, transaction
from django.db.models import Count, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from rest_framework import status as http_status
from rest_framework.exceptions import APIException, ErrorDetail

from inventory import stock
from inventory.models import Variant
from nexusone.accounts.models import Merchant
from nexusone.core.audit import record_event
from nexusone.core.events import publish_event
from nexusone.core.exceptions import Conflict, InvalidTransition
from nexusone.notifications.actions import notify, send_email
from nexusone.notifications.models import Level
from nexusone.suppliers import actions as suppliers
from nexusone.suppliers.base import (
    Address,
    OrderLineRequest,
    OrderRequest,
    ShippingQuote,
    SupplierAuthError,
    SupplierCircuitOpen,
    SupplierError,
    SupplierOrder,
    SupplierOutcomeUnknown,
    SupplierRateLimited,
    SupplierRejected,
    SupplierUnavailable,
    TrackingInfo,
    WebhookEvent,
)
from nexusone.suppliers.errors import SupplierNotConnected
from nexusone.suppliers.models import SupplierAccount
from nexusone.suppliers.registry import get_supplier

from . import quotes
from .choices import (
    CANCELLABLE,
    PROGRESS,
    REFUNDABLE,
    CommissionKind,
    EventSource,
    LogOutcome,
    OrderSource,
    OrderStatus,
    StockState,
    SubmissionState,
    WebhookState,
)
from .models import (
    ZERO,
    CommissionEntry,
    FulfillmentLog,
    FulfillmentSettings,
    Order,
    OrderLine,
    OrderStatusEvent,
    Shipment,
    SupplierSubmission,
    TrackingEvent,
    WebhookMessage,
)

if TYPE_CHECKING:
    from nexusone.accounts.models import User
    from nexusone.suppliers.base import Supplier

logger = logging.getLogger(__name__)

CENT = Decimal("0.01")
SUBMISSION_LEASE = timedelta(minutes=2)
CIRCUIT_WAIT = timedelta(seconds=30)
MAX_BACKOFF = timedelta(minutes=30)
NOTIFY_AFTER_ATTEMPTS = 5
REJECTED_DUPLICATE = "1603003"  # CJ: "Order exist, please do not duplicate create"

# CJ order status → ours. CREATED/IN_CART/UNPAID: accepted, waiting for payment at CJ.
SUPPLIER_STATUS_MAP: dict[str, str] = {
    "CREATED": OrderStatus.CONFIRMED,
    "IN_CART": OrderStatus.CONFIRMED,
    "UNPAID": OrderStatus.CONFIRMED,
    "UNSHIPPED": OrderStatus.PROCESSING,
    "SHIPPED": OrderStatus.SHIPPED,
    "DELIVERED": OrderStatus.DELIVERED,
    "CANCELLED": OrderStatus.CANCELLED,
}
AWAITING_PAYMENT_STATUSES = frozenset({"CREATED", "IN_CART", "UNPAID"})
CUSTOMER_EMAIL_STATUSES = frozenset(
    {OrderStatus.CONFIRMED, OrderStatus.SHIPPED, OrderStatus.DELIVERED, OrderStatus.CANCELLED, OrderStatus.REFUNDED}
)


# --- errors -------------------------------------------------------------------------------


def shortage_message(shortage: dict[str, Any]) -> str:
    return (
        f"Not enough stock for {shortage['name']}: {shortage['requested']} requested, "
        f"{shortage['available']} available."
    )


class InsufficientStock(Conflict):
    """Not enough unreserved stock for one or more lines; nothing was reserved."""

    default_code = "insufficient_stock"
    default_detail = "Not enough stock."

    def __init__(self, shortages: list[dict[str, Any]]) -> None:
        self.shortages = shortages
        details = {
            f"items.{s['index']}.quantity": [ErrorDetail(shortage_message(s), code=self.default_code)]
            for s in shortages
        }
        super().__init__(detail=details, code=self.default_code)


class SupplierUnreachable(APIException):
    status_code = http_status.HTTP_503_SERVICE_UNAVAILABLE
    default_code = "supplier_unavailable"
    default_detail = "CJ did not answer; nothing was changed. Try again in a moment."


# --- inputs -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class LineInput:
    product_id: Any
    quantity: int
    variant_id: Any = None


@dataclass(frozen=True)
class OrderInput:
    reference: str
    customer_name: str
    customer_email: str
    shipping_address: dict[str, str]
    items: list[LineInput]
    customer_phone: str = ""
    shipping_method: str = ""


@dataclass
class _ResolvedLine:
    index: int
    variant: Variant
    quantity: int


@dataclass(frozen=True)
class Earnings:
    sales: Decimal
    refunds: Decimal
    net: Decimal
    client_share: Decimal
    platform_share: Decimal
    orders: int


# --- helpers ---------------------------------------------------------------------------------


def get_supplier_account(merchant: Merchant) -> SupplierAccount | None:
    """The merchant's CJ account, with the fulfillment settings fetched in the same query."""
    return suppliers.get_supplier_account(merchant, related=("merchant__fulfillment_settings",))


def webhook_url() -> str:
    """Our public receiver for CJ's webhooks."""
    return django_settings.SITE_URL.rstrip("/") + reverse("webhook-cj")


def register_webhooks(merchant: Merchant, url: str = "", *, by: User | None = None) -> str:
    """Ask CJ to send the merchant's product, stock, order and logistics messages to our receiver."""
    account = get_supplier_account(merchant)
    if account is None:
        raise SupplierNotConnected()
    url = url or webhook_url()
    register = getattr(get_supplier(account), "register_webhooks", None)
    if register is None:
        raise SupplierNotConnected("This supplier does not send webhooks.")
    try:
        register(url, enable=True)
    except SupplierUnavailable as exc:
        raise SupplierUnreachable() from exc
    except SupplierError as exc:
        raise ValidationError({"webhook_url": f"CJ refused {url}: {exc}"}) from exc
    record_event("orders.webhooks_registered", merchant=merchant, actor=by, data={"url": url})
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


def log_step(order: Order, step: str, outcome: str = LogOutcome.OK, message: str = "", **data: Any) -> FulfillmentLog:
    return FulfillmentLog.objects.create(
        merchant_id=order.merchant_id, order=order, step=step, outcome=outcome, message=message, data=data
    )


def _lock(order: Order) -> Order:
    return Order.objects.select_for_update(of=("self",)).select_related("merchant").get(pk=order.pk)


def _publish(order: Order) -> None:
    data = {"id": str(order.pk), "reference": order.reference, "status": order.status}
    transaction.on_commit(lambda: publish_event(order.merchant_id, "order.status", data))


def _dispatch_submission(submission_id: Any) -> None:
    from . import tasks

    def send() -> None:
        try:
            tasks.submit_order_task.delay(str(submission_id))
        except Exception:  # noqa: BLE001 - the beat task picks the row up when the broker is back
            logger.warning("Could not queue submission %s; the periodic retry will send it", submission_id)

    transaction.on_commit(send)


def _email_customer(order: Order, kind: str, **extra: Any) -> None:
    from . import tasks

    def send() -> None:
        try:
            tasks.email_customer_task.delay(str(order.pk), kind, extra)
        except Exception:  # noqa: BLE001 - an email must not break the order flow
            logger.warning("Could not queue the %s email of order %s", kind, order.pk)

    transaction.on_commit(send)


def send_customer_email(order: Order, kind: str, extra: dict[str, Any] | None = None) -> int:
    """The customer's email at confirmed, shipped (with tracking), delivered, cancelled, refunded."""
    shipments = list(order.shipments.all())
    context = {"order": order, "merchant": order.merchant, "shipments": shipments, **(extra or {})}
    subjects = {
        OrderStatus.CONFIRMED: f"Your order {order.reference} is confirmed",
        OrderStatus.SHIPPED: f"Your order {order.reference} is on its way",
        OrderStatus.DELIVERED: f"Your order {order.reference} was delivered",
        OrderStatus.CANCELLED: f"Your order {order.reference} was cancelled",
        OrderStatus.REFUNDED: f"A refund for your order {order.reference}",
    }
    return send_email([order.customer_email], subjects[kind], "", template=f"orders/email/{kind}", context=context)


# --- the status table -------------------------------------------------------------------------------


def transition_order(
    order: Order,
    to_status: str,
    *,
    source: str = EventSource.SYSTEM,
    note: str = "",
    actor: User | None = None,
) -> Order:
    """The one door for status changes. `order` must be locked (select_for_update) by the caller."""
    from .choices import TRANSITIONS

    if to_status not in TRANSITIONS[order.status]:
        raise InvalidTransition(
            f"Order {order.reference} is {order.get_status_display().lower()} and cannot become {to_status}."
        )
    now = timezone.now()
    from_status = order.status
    order.status = to_status
    fields = ["status", "updated_at"]
    stamp = f"{to_status}_at"
    if hasattr(order, stamp):
        setattr(order, stamp, now)
        fields.append(stamp)
    order.save(update_fields=fields)
    OrderStatusEvent.objects.create(
        merchant_id=order.merchant_id,
        order=order,
        from_status=from_status,
        to_status=to_status,
        source=source,
        note=note,
        actor=actor,
    )
    if to_status in CUSTOMER_EMAIL_STATUSES and to_status != OrderStatus.REFUNDED:
        _email_customer(order, to_status)
    _publish(order)
    return order


def advance_from_supplier(order: Order, to_status: str, *, source: str, note: str = "") -> bool:
    """Move a locked order forward on the main line; late or duplicate news is logged, never applied."""
    current, target = PROGRESS.get(order.status), PROGRESS.get(to_status)
    if current is None or target is None or target <= current:
        if order.status != to_status:
            log_step(
                order,
                "status.ignored",
                LogOutcome.IGNORED,
                f"{source} said {to_status} while the order is {order.status}; not moving backwards.",
            )
        return False
    transition_order(order, to_status, source=source, note=note)
    return True


# --- stock ------------------------------------------------------------------------------------------


def reserve_stock(merchant: Merchant, lines: list[_ResolvedLine]) -> None:
    """Reserve every line or nothing (inventory.stock's conditional UPDATEs, in lock order), then settle the products.

    Inside a caller's transaction this joins it (no savepoint): a shortage raises and the caller rolls back."""
    wanted = _quantities(lines)
    with transaction.atomic(savepoint=False):
        short = stock.reserve_units(merchant.pk, wanted)
        if short:
            available = dict(Variant.objects.filter(pk__in=short).values_list("pk", "stock_quantity"))
            shortages = [
                {
                    "index": line.index,
                    "variant_id": str(line.variant.pk),
                    "name": str(line.variant),
                    "requested": wanted[line.variant.pk],
                    "available": max(available.get(line.variant.pk, 0), 0),
                }
                for line in lines
                if line.variant.pk in short
            ]
            raise InsufficientStock(shortages)
        stock.settle(merchant, product_ids={line.variant.product_id for line in lines})


def refuse_if_short(lines: list[_ResolvedLine]) -> None:
    """Refuse early when the variants as just read cannot cover the order.

    Only ever refuses: the conditional UPDATE in reserve_stock stays the one authority for taking stock."""
    wanted = _quantities(lines)
    shortages = [
        {
            "index": line.index,
            "variant_id": str(line.variant.pk),
            "name": str(line.variant),
            "requested": wanted[line.variant.pk],
            "available": line.variant.stock_quantity,
        }
        for line in lines
        if line.variant.stock_quantity < wanted[line.variant.pk]
    ]
    if shortages:
        raise InsufficientStock(shortages)


def _quantities(lines: list[_ResolvedLine]) -> dict[Any, int]:
    """Units wanted per variant (a variant may stand on several lines)."""
    wanted: dict[Any, int] = {}
    for line in lines:
        wanted[line.variant.pk] = wanted.get(line.variant.pk, 0) + line.quantity
    return wanted


def _order_quantities(order: Order) -> dict[Any, int]:
    wanted: dict[Any, int] = {}
    for variant_id, quantity in order.lines.exclude(variant=None).values_list("variant_id", "quantity"):
        wanted[variant_id] = wanted.get(variant_id, 0) + quantity
    return wanted


def _move_stock(order: Order, from_state: str, to_state: str, write: Any) -> bool:
    """Flip the order's stock state once (a second call does nothing), write the units, settle the products."""
    if not Order.objects.filter(pk=order.pk, stock_state=from_state).update(stock_state=to_state):
        return False
    order.stock_state = to_state
    quantities = _order_quantities(order)
    write(quantities)
    stock.settle(order.merchant, variant_ids=list(quantities))
    return True


def release_stock(order: Order) -> bool:
    """Give a reservation back (cancel, failure): the units are for sale again. Safe to call twice."""
    return _move_stock(order, StockState.RESERVED, StockState.RELEASED, stock.release_units)


def consume_stock(order: Order) -> bool:
    """The supplier accepted the order: the reservation leaves both the supplier's stock and reserved."""
    return _move_stock(order, StockState.RESERVED, StockState.CONSUMED, stock.consume_units)


def restore_stock(order: Order) -> bool:
    """The supplier cancelled an order it had accepted: its units are for sale again."""
    return _move_stock(order, StockState.CONSUMED, StockState.RELEASED, stock.restore_units)


def give_back_stock(order: Order) -> str:
    """Release a reservation or restore consumed units, whichever the order holds."""
    if release_stock(order):
        return "reservation released"
    if restore_stock(order):
        return "stock restored"
    return ""


# --- shipping quotes -----------------------------------------------------------------------------------


def quote_shipping(
    merchant: Merchant, lines: list[OrderLineRequest], *, to_country_code: str, account: SupplierAccount | None = None
) -> list[ShippingQuote]:
    """Shipping options from the supplier, cheapest first, shared by concurrent askers and cached briefly.

    Raises SupplierRateLimited or SupplierUnavailable when CJ cannot quote right now (orders.quotes)."""
    account = account or get_supplier_account(merchant)
    if account is None:
        raise SupplierNotConnected()
    frm = get_fulfillment_settings(merchant, account).from_country_code
    key = quotes.quote_key(account.pk, lines, to_country_code, frm)
    supplier = get_supplier(account)
    return quotes.shared_quote(
        key, lambda: supplier.quote_shipping(lines, to_country_code=to_country_code, from_country_code=frm)
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


# --- create ----------------------------------------------------------------------------------------------


def _catalog_variants(merchant: Merchant, items: list[LineInput]) -> QuerySet[Variant]:
    """The merchant's variants of every product the items name, with their products (in no particular order)."""
    product_ids = {str(item.product_id) for item in items}
    return (
        Variant.objects.for_merchant(merchant).filter(product_id__in=product_ids).select_related("product").order_by()
    )


def resolve_lines(
    merchant: Merchant, items: list[LineInput], variants: list[Variant] | None = None
) -> list[_ResolvedLine]:
    """Map requested items to the merchant's variants; unknown ones are a ValidationError naming the item.

    `variants`: the result of `_catalog_variants(merchant, items)` when the caller has read it already."""
    if not items:
        raise ValidationError({"items": "An order needs at least one item."})
    if variants is None:
        variants = list(_catalog_variants(merchant, items))
    by_id = {str(v.pk): v for v in variants}
    by_product: dict[str, list[Variant]] = {}
    for variant in variants:
        by_product.setdefault(str(variant.product_id), []).append(variant)
    errors: dict[str, str] = {}
    resolved = []
    for index, item in enumerate(items):
        if item.quantity is None or int(item.quantity) <= 0:
            errors[f"items.{index}.quantity"] = "Quantity must be at least 1."
            continue
        choices = by_product.get(str(item.product_id))
        if not choices:
            errors[f"items.{index}.product_id"] = f"No product {item.product_id} in your catalog."
            continue
        if item.variant_id:
            variant = by_id.get(str(item.variant_id))
            if variant is None or str(variant.product_id) != str(item.product_id):
                errors[f"items.{index}.variant_id"] = f"Product {item.product_id} has no variant {item.variant_id}."
                continue
        elif len(choices) == 1:
            variant = choices[0]
        else:
            errors[f"items.{index}.variant_id"] = "This product has several variants; say which one."
            continue
        resolved.append(_ResolvedLine(index=index, variant=variant, quantity=int(item.quantity)))
    if errors:
        raise ValidationError(errors)
    return resolved


def supplier_lines(lines: list[_ResolvedLine]) -> list[OrderLineRequest]:
    return [OrderLineRequest(variant_id=line.variant.external_id, quantity=line.quantity) for line in lines]


def create_order(
    merchant: Merchant, data: OrderInput, *, by: User | None = None, source: str = OrderSource.API
) -> tuple[Order, bool]:
    """Create an order, or return the one with the same reference (created=False, nothing reserved).

    Reads: one query for the variants and whether the reference is taken, one for the CJ account (skipped when
    the stock as read cannot cover the order). Writes: one transaction of single-statement inserts, the stock
    reservation last. The unique reference stays the authority for duplicates that race past the read."""
    reference = data.reference.strip()
    same_reference = Order.objects.for_merchant(merchant).filter(reference=reference).order_by().values("pk")
    variants = (
        list(_catalog_variants(merchant, data.items).annotate(existing_order_id=Subquery(same_reference[:1])))
        if data.items
        else []
    )
    existing_id = variants[0].existing_order_id if variants else same_reference.values_list("pk", flat=True).first()
    if existing_id is not None:
        return Order.objects.get(pk=existing_id), False
    lines = resolve_lines(merchant, data.items, variants)
    # Before asking the supplier anything: an order we cannot fill costs no quote (and no CJ call on a miss).
    refuse_if_short(lines)
    account = get_supplier_account(merchant)
    if account is None:
        raise SupplierNotConnected()
    country = data.shipping_address.get("country_code", "").upper()
    quote_note = ""
    try:
        quote = choose_quote(
            quote_shipping(merchant, supplier_lines(lines), to_country_code=country, account=account),
            data.shipping_method,
        )
        method, cost, days = quote.method, quote.cost, quote.days
    except (SupplierUnavailable, SupplierRateLimited) as exc:
        # CJ is down, its circuit is open or it asks us to slow down: take the order now, quote again before it
        # goes out (the outbox re-quotes an order without a shipping cost).
        method, cost, days = data.shipping_method, ZERO, ""
        reason = str(exc) or type(exc).__name__
        quote_note = f"Shipping not quoted yet ({reason}); it is quoted again before the order goes to CJ."
    except SupplierRejected as exc:
        raise ValidationError({"shipping_address": f"CJ cannot quote shipping here: {exc}"}) from exc

    subtotal = sum((_unit_price(line.variant) * line.quantity for line in lines), ZERO)
    currency = lines[0].variant.product.currency
    try:
        with transaction.atomic():
            # The creation is recorded by the order.created AuditEvent, the first status event and the
            # fulfillment log; auditlog's copy of every initial field would add an INSERT and the diffing of
            # ~40 fields to each order. Later changes are still audit-logged with old and new values.
            with disable_auditlog():
                order = Order.objects.create(
                    merchant=merchant,
                    reference=reference,
                    source=source,
                    customer_name=data.customer_name.strip(),
                    customer_email=data.customer_email.strip(),
                    customer_phone=data.customer_phone.strip(),
                    shipping_address=data.shipping_address,
                    shipping_method=method,
                    shipping_days=days,
                    shipping_cost=cost,
                    subtotal=subtotal,
                    total_amount=subtotal + cost,
                    currency=currency,
                    created_by=by,
                )
            order_lines = OrderLine.objects.bulk_create(
                [
                    OrderLine(
                        merchant=merchant,
                        order=order,
                        product=line.variant.product,
                        variant=line.variant,
                        product_name=line.variant.product.name,
                        variant_name=line.variant.name,
                        sku=line.variant.sku,
                        external_product_id=line.variant.product.external_id,
                        external_variant_id=line.variant.external_id,
                        quantity=line.quantity,
                        unit_price=_unit_price(line.variant),
                        unit_cost=line.variant.cost_price,
                    )
                    for line in lines
                ]
            )
            OrderStatusEvent.objects.create(
                merchant=merchant, order=order, to_status=OrderStatus.PENDING, source=source, actor=by
            )
            submission = SupplierSubmission.objects.create(
                # CJ's orderNumber is our order id, never the store's reference: two merchants (or a
                # store's own CJ orders) may share a reference, and CJ answers a repeat with the
                # existing order, which would bind this order to someone else's.
                merchant=merchant,
                order=order,
                idempotency_key=str(order.pk),
                next_attempt_at=timezone.now(),
            )
            FulfillmentLog.objects.bulk_create(
                [
                    FulfillmentLog(
                        merchant=merchant,
                        order=order,
                        step="stock.reserved",
                        message=", ".join(f"{line.quantity} × {line.variant.sku}" for line in lines),
                    ),
                    FulfillmentLog(
                        merchant=merchant,
                        order=order,
                        step="shipping.quoted",
                        outcome=LogOutcome.RETRY if quote_note else LogOutcome.OK,
                        message=quote_note or f"{method}: {cost} {currency} ({days} days)",
                    ),
                ]
            )
            record_event("order.created", merchant=merchant, actor=by, target=order, data={"reference": reference})
            # Reserve last: the variant rows stay locked only from here to the commit.
            reserve_stock(merchant, lines)
            _dispatch_submission(submission.pk)
            _publish(order)
        # What the caller renders needs no second round trip.
        order._prefetched_objects_cache = {
            "lines": _known_result(order.lines.all(), order_lines),
            "shipments": _known_result(order.shipments.all(), []),
        }
        order.submission = submission
    except IntegrityError:
        # The same reference won a race with us: its order stands, our reservation rolled back.
        existing = Order.objects.for_merchant(merchant).filter(reference=reference).first()
        if existing is None:
            raise
        return existing, False
    return order, True


def _known_result(queryset: Any, rows: list) -> Any:
    """A queryset whose rows we already hold (as prefetch_related would leave it)."""
    queryset._result_cache = rows
    queryset._prefetch_done = True
    return queryset


def _unit_price(variant: Variant) -> Decimal:
    return variant.price or variant.product.price


# --- the outbox ------------------------------------------------------------------------------------------


def _backoff(attempts: int) -> timedelta:
    return min(timedelta(seconds=15 * 2 ** max(attempts - 1, 0)), MAX_BACKOFF)


def claim_submission(submission_id: Any) -> tuple[SupplierSubmission, bool] | None:
    """Take a due row for sending; two workers never get the same row (skip_locked + the sending state).

    Returns the row and whether the supplier must be asked first (an earlier attempt may have landed)."""
    now = timezone.now()
    with transaction.atomic():
        submission = (
            SupplierSubmission.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(_sendable(now), pk=submission_id)
            .select_related("order", "merchant")
            .first()
        )
        if submission is None:
            return None
        look_up_first = submission.attempts > 0 or submission.state != SubmissionState.PENDING
        submission.state = SubmissionState.SENDING
        submission.attempts += 1
        submission.lease_expires_at = now + SUBMISSION_LEASE
        submission.save(update_fields=["state", "attempts", "lease_expires_at", "updated_at"])
    return submission, look_up_first


def _sendable(now: datetime) -> Q:
    """Outbox rows to send now: due pending or in-doubt rows, and rows whose sender's lease ran out."""
    due = Q(state__in=[SubmissionState.PENDING, SubmissionState.UNKNOWN]) & (
        Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)
    )
    return due | Q(state=SubmissionState.SENDING, lease_expires_at__lt=now)


def due_submission_ids(limit: int = 100) -> list[Any]:
    return list(
        SupplierSubmission.objects.filter(_sendable(timezone.now()))
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:limit]
    )


def _order_request(order: Order, submission: SupplierSubmission, pay_from_balance: bool, frm: str) -> OrderRequest:
    address = order.shipping_address
    return OrderRequest(
        reference=submission.idempotency_key,
        address=Address(
            name=address.get("name") or order.customer_name,
            line1=address.get("line1", ""),
            line2=address.get("line2", ""),
            city=address.get("city", ""),
            province=address.get("province", ""),
            postal_code=address.get("postal_code", ""),
            country_code=address.get("country_code", ""),
            phone=address.get("phone") or order.customer_phone,
            email=order.customer_email,
        ),
        lines=tuple(
            OrderLineRequest(variant_id=line.external_variant_id, quantity=line.quantity, line_reference=str(line.pk))
            for line in order.lines.all()
        ),
        shipping_method=order.shipping_method,
        from_country_code=frm,
        pay_from_balance=pay_from_balance,
    )


def submit_order(submission_id: Any) -> SupplierSubmission | None:
    """Send one outbox row to the supplier. Idempotent: a row that may have landed is looked up first."""
    claimed = claim_submission(submission_id)
    if claimed is None:
        return None
    submission, look_up_first = claimed
    order = submission.order
    merchant = submission.merchant
    account = get_supplier_account(merchant)
    if account is None:
        _mark_submission(submission, SubmissionState.PENDING, "No CJ account connected.", delay=MAX_BACKOFF)
        log_step(order, "supplier.submit", LogOutcome.RETRY, "No CJ account is connected; connect it in Settings.")
        return submission
    supplier = get_supplier(account)
    try:
        found = supplier.find_order(submission.idempotency_key) if look_up_first else None
        if found is not None:
            log_step(order, "supplier.reconciled", LogOutcome.OK, f"Found at CJ as {found.order_id}; not resent.")
        if order.status == OrderStatus.CANCELLED:
            return _withdraw_cancelled(submission, order, supplier, found)
        if found is None:
            found = _create_at_supplier(submission, order, supplier, account)
    except SupplierCircuitOpen as exc:
        # Not an attempt: the request never left. The order waits as pending.
        submission.attempts -= 1
        _mark_submission(submission, SubmissionState.PENDING, str(exc) or "CJ circuit open", delay=CIRCUIT_WAIT)
        log_step(order, "supplier.submit", LogOutcome.RETRY, "CJ is failing; the order waits and goes out later.")
        return submission
    except SupplierOutcomeUnknown as exc:
        _mark_submission(submission, SubmissionState.UNKNOWN, str(exc), delay=_backoff(submission.attempts))
        log_step(
            order, "supplier.submit", LogOutcome.RETRY, "No answer from CJ; the order is looked up before resending."
        )
        _notify_slow(submission)
        return submission
    except SupplierRateLimited as exc:
        wait = timedelta(seconds=exc.retry_after) if exc.retry_after else _backoff(submission.attempts)
        _mark_submission(submission, SubmissionState.PENDING, str(exc), delay=wait)
        log_step(order, "supplier.submit", LogOutcome.RETRY, f"CJ rate limit; retrying in {wait}.")
        return submission
    except SupplierUnavailable as exc:
        state = SubmissionState.UNKNOWN if look_up_first else SubmissionState.PENDING
        _mark_submission(submission, state, str(exc), delay=_backoff(submission.attempts))
        log_step(order, "supplier.submit", LogOutcome.RETRY, f"CJ unavailable: {exc}")
        _notify_slow(submission)
        return submission
    except SupplierRejected as exc:
        if str(exc.code) == REJECTED_DUPLICATE:
            _mark_submission(submission, SubmissionState.UNKNOWN, str(exc), delay=timedelta(0))
            log_step(order, "supplier.submit", LogOutcome.RETRY, "CJ says the order exists; looking it up.")
            return submission
        fail_submission(submission, f"CJ refused the order: {exc}")
        return submission
    except (SupplierAuthError, SupplierError) as exc:
        fail_submission(submission, f"{type(exc).__name__}: {exc}")
        return submission
    accept_submission(submission, found)
    return submission


def _create_at_supplier(
    submission: SupplierSubmission, order: Order, supplier: Supplier, account: SupplierAccount
) -> SupplierOrder:
    merchant = submission.merchant
    settings_row = get_fulfillment_settings(merchant, account)
    if not order.shipping_method or order.shipping_cost == ZERO:
        lines = [OrderLineRequest(line.external_variant_id, line.quantity) for line in order.lines.all()]
        quote = choose_quote(
            quote_shipping(
                merchant, lines, to_country_code=order.shipping_address.get("country_code", ""), account=account
            ),
            order.shipping_method,
        )
        order.shipping_method, order.shipping_cost, order.shipping_days = quote.method, quote.cost, quote.days
        order.total_amount = order.subtotal + quote.cost
        order.save(update_fields=["shipping_method", "shipping_cost", "shipping_days", "total_amount", "updated_at"])
        log_step(order, "shipping.quoted", LogOutcome.OK, f"{quote.method}: {quote.cost} {order.currency}")
    pay = settings_row.pay_from_balance and merchant.capabilities.automatic_fulfillment
    request = _order_request(order, submission, pay, settings_row.from_country_code)
    return supplier.create_order(request)


def _withdraw_cancelled(
    submission: SupplierSubmission, order: Order, supplier: Supplier, found: SupplierOrder | None
) -> SupplierSubmission:
    """The order was cancelled while its submission was due or in doubt: never send it; undo a landed one."""
    note = "Order cancelled before it reached CJ; not sent."
    if found is not None:
        cancelled = supplier.cancel_order(found.order_id)
        note = (
            f"Order cancelled; the CJ order {found.order_id} that had landed was deleted."
            if cancelled
            else f"Order cancelled, but CJ order {found.order_id} can no longer be deleted; request it at CJ."
        )
    _mark_submission(submission, SubmissionState.FAILED, note)
    log_step(order, "supplier.withdrawn", LogOutcome.INFO, note)
    return submission


def _mark_submission(
    submission: SupplierSubmission, state: str, error: str = "", *, delay: timedelta | None = None
) -> None:
    submission.state = state
    submission.last_error = error[:2000]
    submission.next_attempt_at = timezone.now() + delay if delay is not None else None
    submission.lease_expires_at = None
    submission.save(
        update_fields=["state", "last_error", "next_attempt_at", "lease_expires_at", "attempts", "updated_at"]
    )


def _notify_slow(submission: SupplierSubmission) -> None:
    if submission.attempts == NOTIFY_AFTER_ATTEMPTS:
        order = submission.order
        notify(
            submission.merchant,
            "order.delayed",
            title=f"Order {order.reference} has not reached CJ yet",
            body=f"{submission.attempts} attempts so far ({submission.last_error}). It keeps retrying.",
            level=Level.WARNING,
            link=reverse("orders:detail", args=[order.pk]),
        )


@transaction.atomic
def accept_submission(submission: SupplierSubmission, supplier_order: SupplierOrder) -> Order:
    """CJ has the order: record its id, consume the reservation, confirm, write the sale commission."""
    order = _lock(submission.order)
    submission.state = SubmissionState.ACCEPTED
    submission.accepted_at = timezone.now()
    submission.last_error = ""
    submission.lease_expires_at = None
    submission.next_attempt_at = None
    submission.response = {
        "order_id": supplier_order.order_id,
        "status": supplier_order.status,
        "total": str(supplier_order.total) if supplier_order.total is not None else None,
    }
    submission.save()
    order.external_order_id = supplier_order.order_id
    order.supplier_status = supplier_order.status
    order.awaiting_payment = supplier_order.status.upper() in AWAITING_PAYMENT_STATUSES
    order.save(update_fields=["external_order_id", "supplier_status", "awaiting_payment", "updated_at"])
    if order.status == OrderStatus.CANCELLED:
        log_step(order, "supplier.accepted", LogOutcome.INFO, "CJ accepted an order already cancelled here.")
        _withdraw_cancelled(submission, order, get_supplier(get_supplier_account(order.merchant)), supplier_order)
        return order
    if order.status != OrderStatus.PENDING:
        log_step(order, "supplier.accepted", LogOutcome.IGNORED, f"Already {order.status}.")
        return order
    consume_stock(order)
    transition_order(
        order, OrderStatus.CONFIRMED, source=EventSource.SUPPLIER, note=f"CJ order {order.external_order_id}"
    )
    record_sale_commission(order)
    log_step(
        order, "supplier.accepted", LogOutcome.OK, f"CJ order {supplier_order.order_id} ({supplier_order.status})."
    )
    mapped = SUPPLIER_STATUS_MAP.get(supplier_order.status.upper())
    if mapped and mapped != OrderStatus.CONFIRMED:
        advance_from_supplier(order, mapped, source=EventSource.SUPPLIER)
    if order.awaiting_payment:
        notify(
            order.merchant,
            "order.awaiting_payment",
            title=f"Order {order.reference} is waiting for payment at CJ",
            body="CJ accepted the order; pay it in your CJ account (or turn on automatic payment) so it ships.",
            level=Level.WARNING,
            link=reverse("orders:detail", args=[order.pk]),
        )
    return order


@transaction.atomic
def fail_submission(submission: SupplierSubmission, message: str) -> Order:
    """The supplier refused the order: it becomes failed (the merchant may retry), its stock goes back."""
    order = _lock(submission.order)
    _mark_submission(submission, SubmissionState.FAILED, message)
    order.last_error = message
    order.save(update_fields=["last_error", "updated_at"])
    log_step(order, "supplier.submit", LogOutcome.ERROR, message)
    if order.status == OrderStatus.PENDING:
        release_stock(order)
        transition_order(order, OrderStatus.FAILED, source=EventSource.SUPPLIER, note=message)
        notify(
            order.merchant,
            "order.failed",
            title=f"Order {order.reference} failed at CJ",
            body=message,
            level=Level.ERROR,
            link=reverse("orders:detail", args=[order.pk]),
        )
    return order


def retry_order(order: Order, *, by: User | None = None) -> Order:
    """A failed order goes back to pending (reserving its stock again); a pending one is sent now."""
    with transaction.atomic():
        order = _lock(order)
        submission = SupplierSubmission.objects.select_for_update().get(order=order)
        if order.status == OrderStatus.FAILED:
            lines = [
                _ResolvedLine(index=i, variant=line.variant, quantity=line.quantity)
                for i, line in enumerate(order.lines.select_related("variant__product"))
                if line.variant is not None
            ]
            reserve_stock(order.merchant, lines)
            Order.objects.filter(pk=order.pk).update(stock_state=StockState.RESERVED, last_error="")
            order.stock_state = StockState.RESERVED
            transition_order(order, OrderStatus.PENDING, source=EventSource.USER, note="Retried", actor=by)
        elif order.status != OrderStatus.PENDING or submission.state == SubmissionState.SENDING:
            raise InvalidTransition(f"Order {order.reference} is {order.status}; only failed or waiting orders retry.")
        if submission.state in (SubmissionState.FAILED, SubmissionState.PENDING):
            submission.state = SubmissionState.PENDING
        submission.next_attempt_at = timezone.now()
        submission.save(update_fields=["state", "next_attempt_at", "updated_at"])
        log_step(order, "order.retry", LogOutcome.INFO, "Sent to CJ again on request.")
        record_event("order.retried", merchant=order.merchant, actor=by, target=order)
        _dispatch_submission(submission.pk)
    return order


# --- cancel and refund ---------------------------------------------------------------------------------------


def cancel_order(order: Order, *, by: User | None = None, reason: str = "", source: str = EventSource.USER) -> Order:
    """Cancel before shipping: give the stock back, delete the CJ order where CJ still allows it."""
    if order.status not in CANCELLABLE:
        raise InvalidTransition(f"Order {order.reference} is {order.status}; it can no longer be cancelled.")
    cancelled_at_supplier: bool | None = None
    if order.external_order_id:
        account = get_supplier_account(order.merchant)
        if account is None:
            raise SupplierNotConnected()
        try:
            cancelled_at_supplier = get_supplier(account).cancel_order(order.external_order_id)
        except SupplierUnavailable as exc:
            raise SupplierUnreachable() from exc
    with transaction.atomic():
        order = _lock(order)
        if order.status not in CANCELLABLE:
            raise InvalidTransition(f"Order {order.reference} is {order.status}; it can no longer be cancelled.")
        submission = SupplierSubmission.objects.select_for_update().filter(order=order).first()
        if submission is not None and submission.state in (SubmissionState.PENDING, SubmissionState.FAILED):
            _mark_submission(submission, SubmissionState.FAILED, "Order cancelled before it reached CJ.")
        if cancelled_at_supplier is False:
            order.cancellation_note = (
                f"CJ no longer allows deleting order {order.external_order_id} by API; "
                "request the cancellation at CJ (support or dispute)."
            )
            stock_note = "reservation released" if release_stock(order) else ""
            notify(
                order.merchant,
                "order.cancel_at_cj",
                title=f"Cancel order {order.reference} at CJ",
                body=order.cancellation_note,
                level=Level.WARNING,
                link=reverse("orders:detail", args=[order.pk]),
            )
        else:
            order.cancellation_note = "Deleted at CJ." if cancelled_at_supplier else ""
            stock_note = give_back_stock(order)
        order.save(update_fields=["cancellation_note", "updated_at"])
        reverse_commission(order, None, note="cancelled")
        transition_order(order, OrderStatus.CANCELLED, source=source, note=reason, actor=by)
        log_step(
            order,
            "order.cancelled",
            LogOutcome.OK,
            "; ".join(p for p in (reason, order.cancellation_note, stock_note) if p),
        )
        record_event("order.cancelled", merchant=order.merchant, actor=by, target=order, data={"reason": reason})
    return order


def refund_order(order: Order, amount: Decimal | None = None, *, by: User | None = None, reason: str = "") -> Order:
    """Record a full or partial refund to the customer: reversing commission rows, status refunded."""
    with transaction.atomic():
        order = _lock(order)
        if order.status not in REFUNDABLE:
            raise InvalidTransition(f"Order {order.reference} is {order.status}; there is nothing to refund.")
        remaining = order.total_amount - order.refunded_amount
        amount = remaining if amount is None else Decimal(amount).quantize(CENT)
        if amount <= ZERO or amount > remaining:
            raise ValidationError({"amount": f"Refund between 0.01 and {remaining} {order.currency}."})
        order.refunded_amount += amount
        order.save(update_fields=["refunded_amount", "updated_at"])
        reverse_commission(order, amount, note=reason or "refund")
        if order.status != OrderStatus.REFUNDED:
            transition_order(order, OrderStatus.REFUNDED, source=EventSource.USER, note=reason, actor=by)
        log_step(order, "order.refunded", LogOutcome.OK, f"{amount} {order.currency} refunded. {reason}".strip())
        record_event("order.refunded", merchant=order.merchant, actor=by, target=order, data={"amount": str(amount)})
        _email_customer(order, OrderStatus.REFUNDED, amount=str(amount))
    return order


# --- commission ----------------------------------------------------------------------------------------------


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


# --- tracking -------------------------------------------------------------------------------------------------


def next_poll_at(shipment: Shipment, now: datetime | None = None) -> datetime | None:
    """Poll more often as delivery nears: daily at first, then every few hours, hourly at the last mile."""
    if shipment.delivered:
        return None
    now = now or timezone.now()
    status = (shipment.status or "").lower()
    if any(word in status for word in ("out for delivery", "pickup", "last mile", "arrived", "customs")):
        return now + timedelta(hours=1)
    age = now - (shipment.created_at or now)
    if age < timedelta(days=3):
        return now + timedelta(hours=12)
    if age < timedelta(days=7):
        return now + timedelta(hours=6)
    return now + timedelta(hours=2)


@transaction.atomic(savepoint=False)
def apply_tracking(order: Order, info: TrackingInfo, *, source: str = EventSource.POLLING) -> Shipment:
    """Upsert a package and its events (idempotent), then move the order to shipped or delivered."""
    order = _lock(order)  # the order first, then its packages: one lock order for every writer
    shipment, _ = Shipment.objects.get_or_create(
        merchant_id=order.merchant_id,
        order=order,
        tracking_number=info.tracking_number,
        defaults={"carrier": info.carrier},
    )
    for attr, value in (
        ("carrier", info.carrier),
        ("status", info.status),
        ("tracking_url", info.tracking_url),
        ("last_mile_tracking_number", info.last_mile_tracking_number),
    ):
        if value:
            setattr(shipment, attr, value[: shipment._meta.get_field(attr).max_length])
    if info.delivered:
        shipment.delivered = True
    if info.events:
        TrackingEvent.objects.bulk_create(
            [
                TrackingEvent(
                    merchant_id=order.merchant_id,
                    shipment=shipment,
                    occurred_at=event.occurred_at,
                    status=event.status[:200],
                    description=event.description[:500],
                    location=event.location[:200],
                )
                for event in info.events
            ],
            ignore_conflicts=True,
        )
        latest = max(event.occurred_at for event in info.events)
        if shipment.last_event_at is None or latest > shipment.last_event_at:
            shipment.last_event_at = latest
    shipment.next_poll_at = next_poll_at(shipment)
    shipment.save()

    if info.delivered and not order.shipments.filter(delivered=False).exists():
        moved = advance_from_supplier(order, OrderStatus.DELIVERED, source=source, note=info.tracking_number)
    else:
        moved = advance_from_supplier(order, OrderStatus.SHIPPED, source=source, note=info.tracking_number)
    if moved:
        log_step(order, f"tracking.{order.status}", LogOutcome.OK, f"{info.tracking_number} ({info.carrier})")
    shipment.order = order  # as locked and moved here
    return shipment


def refresh_tracking(order: Order) -> Order:
    """Ask the supplier for the order's status and every package's tracking now."""
    order = Order.objects.select_related("merchant").get(pk=order.pk)
    account = get_supplier_account(order.merchant)
    if account is None:
        raise SupplierNotConnected()
    supplier = get_supplier(account)
    try:
        supplier_order = supplier.get_order(order.external_order_id) if order.external_order_id else None
        numbers = set(order.shipments.values_list("tracking_number", flat=True))
        if supplier_order is not None:
            numbers.update(n for n in supplier_order.tracking_numbers if n)
        infos = supplier.get_tracking(sorted(numbers)) if numbers else []
    except SupplierUnavailable as exc:
        raise SupplierUnreachable() from exc
    with transaction.atomic():
        if supplier_order is not None:
            apply_supplier_order(order, supplier_order, source=EventSource.POLLING)
        for info in infos:
            apply_tracking(order, info, source=EventSource.POLLING)
        Shipment.objects.filter(order=order).update(last_polled_at=timezone.now())
    order.refresh_from_db()
    return order


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


def apply_supplier_order(order: Order, supplier_order: SupplierOrder, *, source: str) -> Order:
    """Bring our order in line with the supplier's view of it (never backwards)."""
    with transaction.atomic():
        order = _lock(order)
        status_text = (supplier_order.status or "").upper()
        if status_text and status_text != order.supplier_status:
            order.supplier_status = status_text
            order.awaiting_payment = status_text in AWAITING_PAYMENT_STATUSES
            if supplier_order.order_id and not order.external_order_id:
                order.external_order_id = supplier_order.order_id
            order.save(update_fields=["supplier_status", "awaiting_payment", "external_order_id", "updated_at"])
        mapped = SUPPLIER_STATUS_MAP.get(status_text)
        if order.status == OrderStatus.PENDING and mapped and mapped != OrderStatus.CANCELLED:
            # News of an order we have not seen accepted yet: accept it first (stock, commission), then advance.
            submission = SupplierSubmission.objects.select_for_update().filter(order=order).first()
            if submission is not None and submission.state != SubmissionState.ACCEPTED:
                order = accept_submission(submission, supplier_order)
        if mapped == OrderStatus.CANCELLED:
            if order.status in CANCELLABLE:
                give_back_stock(order)
                reverse_commission(order, None, note="cancelled by CJ")
                transition_order(order, OrderStatus.CANCELLED, source=source, note="Cancelled at CJ")
            else:
                log_step(order, "status.ignored", LogOutcome.IGNORED, f"CJ cancelled; order is {order.status}.")
        elif mapped:
            advance_from_supplier(order, mapped, source=source)
        if supplier_order.tracking_numbers and mapped in (OrderStatus.SHIPPED, OrderStatus.DELIVERED):
            for number in supplier_order.tracking_numbers:
                apply_tracking(
                    order,
                    TrackingInfo(
                        tracking_number=number,
                        carrier=supplier_order.logistic_name,
                        delivered=mapped == OrderStatus.DELIVERED,
                    ),
                    source=source,
                )
    return order


def due_shipment_ids(limit: int = 500) -> list[Any]:
    now = timezone.now()
    return list(
        Shipment.objects.filter(
            delivered=False,
            order__status__in=[OrderStatus.SHIPPED, OrderStatus.PROCESSING, OrderStatus.CONFIRMED],
        )
        .filter(Q(next_poll_at__isnull=True) | Q(next_poll_at__lte=now))
        .order_by("next_poll_at")
        .values_list("pk", flat=True)[:limit]
    )


def poll_tracking(shipment_ids: list[Any]) -> int:
    """Poll the supplier for due packages, grouped per merchant account; returns packages updated."""
    shipments = Shipment.objects.filter(pk__in=shipment_ids).select_related("order", "order__merchant")
    by_merchant: dict[Any, list[Shipment]] = {}
    for shipment in shipments:
        by_merchant.setdefault(shipment.merchant_id, []).append(shipment)
    updated = 0
    for group in by_merchant.values():
        account = get_supplier_account(group[0].order.merchant)
        if account is None:
            continue
        try:
            infos = get_supplier(account).get_tracking([s.tracking_number for s in group])
        except SupplierError as exc:
            logger.warning("Tracking poll failed for merchant %s: %s", group[0].merchant_id, exc)
            continue
        by_number = {info.tracking_number: info for info in infos}
        for shipment in group:
            info = by_number.get(shipment.tracking_number)
            if info is not None:
                apply_tracking(shipment.order, info, source=EventSource.POLLING)
                updated += 1
                Shipment.objects.filter(pk=shipment.pk).update(last_polled_at=timezone.now())
            else:
                Shipment.objects.filter(pk=shipment.pk).update(
                    last_polled_at=timezone.now(), next_poll_at=timezone.now() + timedelta(hours=6)
                )
    return updated


# --- webhooks ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class WebhookReceipt:
    outcome: str  # stored, duplicate, invalid
    message: WebhookMessage | None = None


WEBHOOK_KEYS_TTL = 30.0  # seconds a process trusts its list of signing accounts
_webhook_keys: dict[str, Any] = {"loaded_at": -WEBHOOK_KEYS_TTL, "accounts": []}


def _webhook_accounts(*, reload: bool = False) -> list[tuple[SupplierAccount, Supplier]]:
    """CJ accounts that can sign webhooks with their clients, kept in-process briefly (a miss reloads at once)."""
    now = time.monotonic()
    if reload or now - _webhook_keys["loaded_at"] > WEBHOOK_KEYS_TTL:
        accounts = SupplierAccount.objects.filter(supplier="cj").exclude(open_id="")
        _webhook_keys["accounts"] = [(a, get_supplier(a)) for a in accounts if a.open_id]
        _webhook_keys["loaded_at"] = now
    return _webhook_keys["accounts"]


def forget_webhook_accounts(**_: Any) -> None:
    """Connected to SupplierAccount saves and deletes: the next webhook reloads the signing keys."""
    _webhook_keys["loaded_at"] = -WEBHOOK_KEYS_TTL


def find_webhook_account(raw_body: bytes, headers: dict[str, str]) -> tuple[SupplierAccount, Supplier] | None:
    """The account whose signing key verifies the body. The payload's openId only orders the search."""
    hint = _open_id_hint(raw_body)
    for reload in (False, True):
        candidates = _webhook_accounts(reload=reload)
        if hint:
            candidates = sorted(candidates, key=lambda pair: pair[0].open_id != hint)
        for account, supplier in candidates:
            if supplier.verify_webhook(raw_body, headers):
                return account, supplier
    return None


def _open_id_hint(raw_body: bytes) -> str:
    marker = b'"openId"'
    at = raw_body.find(marker)
    if at < 0:
        return ""
    tail = raw_body[at + len(marker) : at + len(marker) + 40].lstrip(b' :\t"')
    digits = bytes(c for c in tail[:30] if 48 <= c <= 57) if tail[:1].isdigit() else b""
    return digits.decode()


def receive_webhook(raw_body: bytes, headers: dict[str, str], *, source: str = "cj") -> WebhookReceipt:
    """Verify, store once (a replay hits the unique constraint and is ignored), queue processing."""
    found = find_webhook_account(raw_body, headers)
    if found is None:
        logger.warning("Rejected a %s webhook: the signature matches no connected account", source)
        return WebhookReceipt("invalid")
    account, supplier = found
    event = supplier.parse_webhook(raw_body)
    message = WebhookMessage(
        source=source,
        message_id=event.message_id,
        merchant_id=account.merchant_id,
        topic=event.topic,
        action=event.action,
        payload=event.payload,
        raw_body=raw_body.decode("utf-8", errors="replace"),
        received_at=timezone.now(),
    )
    if not store_webhook_once(message):
        return WebhookReceipt("duplicate", message)  # stored and queued when it first came
    request_inbox_drain()
    return WebhookReceipt("stored", message)


def store_webhook_once(message: WebhookMessage) -> bool:
    """Insert the message unless (source, message_id) is already in the inbox; True when this call stored it.

    One `INSERT … ON CONFLICT DO NOTHING RETURNING id` in autocommit: a single round trip, no BEGIN/COMMIT
    (bulk_create(ignore_conflicts=True) wraps its INSERT in a transaction), no error for a replay, and the
    unique constraint stays the one authority when two deliveries of the same message race."""
    meta = WebhookMessage._meta
    fields = meta.concrete_fields
    quote = connection.ops.quote_name
    values = [field.get_db_prep_save(field.pre_save(message, add=True), connection) for field in fields]
    columns = ", ".join(quote(field.column) for field in fields)
    placeholders = ", ".join(["%s"] * len(fields))
    conflict = f"ON CONFLICT ({quote('source')}, {quote('message_id')}) DO NOTHING RETURNING {quote(meta.pk.column)}"
    # Only names from the model's metadata are interpolated; every value is a bound parameter.
    sql = f"INSERT INTO {quote(meta.db_table)} ({columns}) VALUES ({placeholders}) {conflict}"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, values)
        return cursor.fetchone() is not None


INBOX_DRAIN_KEY = "orders:webhook-inbox-drain-queued"


def request_inbox_drain() -> None:
    """Queue one drain of the inbox unless one is already queued (a burst of messages shares it)."""
    from . import tasks

    def send() -> None:
        if not cache.add(INBOX_DRAIN_KEY, 1, timeout=30):
            return
        try:
            tasks.drain_webhooks_task.delay()
        except Exception:  # noqa: BLE001 - the periodic sweep processes stored messages later
            cache.delete(INBOX_DRAIN_KEY)
            logger.warning("Could not queue the webhook inbox drain; the periodic sweep will process it")

    transaction.on_commit(send)


def drain_inbox(batch: int = 50) -> int:
    """Process every received message; messages that arrive meanwhile queue the next drain.

    Each pass claims a batch no other drain holds (skip_locked), so concurrent drains share the work."""
    cache.delete(INBOX_DRAIN_KEY)
    done = 0
    while True:
        with transaction.atomic():
            ids = list(
                WebhookMessage.objects.select_for_update(skip_locked=True)
                .filter(state=WebhookState.RECEIVED)
                .order_by("received_at")
                .values_list("pk", flat=True)[:batch]
            )
            WebhookMessage.objects.filter(pk__in=ids).update(state=WebhookState.PROCESSING)
        if not ids:
            return done
        for message_id in ids:
            try:
                done += process_webhook(message_id) is not None
            except OperationalError:  # a deadlock or a lost connection: back in the inbox for the next pass
                logger.warning("Webhook message %s hit a transient database error; retrying", message_id, exc_info=True)
                WebhookMessage.objects.filter(pk=message_id, state=WebhookState.PROCESSING).update(
                    state=WebhookState.RECEIVED
                )


def pending_webhook_ids(limit: int = 500) -> list[Any]:
    """Messages whose processing was lost: never picked up, or claimed by a worker that died."""
    cutoff = timezone.now() - timedelta(minutes=5)
    return list(
        WebhookMessage.objects.filter(
            state__in=[WebhookState.RECEIVED, WebhookState.PROCESSING], received_at__lt=cutoff
        )
        .order_by("received_at")
        .values_list("pk", flat=True)[:limit]
    )


def process_webhook(message_id: Any) -> WebhookMessage | None:
    """Apply one stored message exactly once: under its row lock, marked done in the same transaction.

    The lock is waited for (not skipped): another transaction may hold it only briefly, and whoever gets it
    second finds the message processed."""
    with transaction.atomic():
        message = (
            WebhookMessage.objects.select_for_update(of=("self",))
            .filter(pk=message_id, state__in=[WebhookState.RECEIVED, WebhookState.PROCESSING])
            .select_related("merchant")
            .first()
        )
        if message is None:
            return None
        message.attempts += 1
        supplier = _merchant_supplier(message.merchant) if message.merchant else None
        if supplier is None:
            return _finish(message, WebhookState.IGNORED, "No connected account for this message.")
        event = supplier.parse_webhook(message.raw_body.encode())
        try:
            with transaction.atomic():
                state, note = _apply_event(message.merchant, event)
        except OperationalError:
            raise  # transient: the message stays unprocessed
        except Exception as exc:
            logger.exception("Webhook message %s failed", message.message_id)
            state, note = WebhookState.FAILED, f"{type(exc).__name__}: {exc}"
        return _finish(message, state, note)


def _merchant_supplier(merchant: Merchant) -> Supplier | None:
    """The merchant's supplier client, from the receiver's in-process list when it is there."""
    for account, supplier in _webhook_accounts():
        if account.merchant_id == merchant.pk:
            return supplier
    account = get_supplier_account(merchant)
    return get_supplier(account) if account is not None else None


def _finish(message: WebhookMessage, state: str, note: str) -> WebhookMessage:
    message.state, message.note, message.processed_at = state, note[:2000], timezone.now()
    message.save(update_fields=["state", "note", "processed_at", "attempts"])
    return message


def _apply_event(merchant: Merchant, event: WebhookEvent) -> tuple[str, str]:
    topic = event.topic.lower()
    if topic == "order":
        return apply_order_event(merchant, event)
    if topic in ("logistic", "logistics"):
        return apply_logistic_event(merchant, event)
    if topic in ("product", "variant", "stock"):
        from inventory.actions import apply_supplier_stock_event

        # Every store on this CJ account that carries the product hears of the change.
        sharing = Merchant.objects.filter(pk__in=merchants_sharing_cj_account(merchant))
        for each in sharing:
            apply_supplier_stock_event(each, event)
        return WebhookState.PROCESSED, f"{topic} applied to inventory"
    return WebhookState.IGNORED, f"Topic {event.topic!r} is not handled."


def merchants_sharing_cj_account(merchant: Merchant) -> list[Any]:
    """The merchant first, then every other merchant connected to the same CJ account (same openId).

    One CJ account can serve several stores (the platform's CJ_API_KEY); its webhooks are signed
    with that account's key, so the receiver cannot tell the stores apart by signature."""
    accounts = [account for account, _ in _webhook_accounts()]
    own = next((a.open_id for a in accounts if a.merchant_id == merchant.pk and a.open_id), "")
    others = [a.merchant_id for a in accounts if own and a.open_id == own and a.merchant_id != merchant.pk]
    return [merchant.pk, *others]


def _find_order(merchant: Merchant, *, order_id: str = "", reference: str = "") -> Order | None:
    """By CJ's order id or our order id (CJ's orderNumber) among the stores on this CJ account;
    by the store's own reference only within the message's store (ORDER_CONNNECTED messages)."""
    orders = Order.objects.filter(merchant_id__in=merchants_sharing_cj_account(merchant))
    if order_id:
        found = orders.filter(external_order_id=order_id).first()
        if found is not None:
            return found
    if reference:
        try:
            found = orders.filter(pk=uuid.UUID(reference)).first()
        except ValueError:
            found = None
        return found or Order.objects.for_merchant(merchant).filter(reference=reference).first()
    return None


def apply_order_event(merchant: Merchant, event: WebhookEvent) -> tuple[str, str]:
    order = _find_order(merchant, order_id=event.order_id, reference=event.order_reference)
    if order is None:
        return WebhookState.IGNORED, f"No order {event.order_reference or event.order_id}."
    tracking_numbers = (event.tracking.tracking_number,) if event.tracking and event.tracking.tracking_number else ()
    supplier_order = SupplierOrder(
        order_id=event.order_id,
        reference=event.order_reference,
        status=event.order_status,
        tracking_numbers=tracking_numbers,
        logistic_name=event.tracking.carrier if event.tracking else "",
    )
    before = order.status
    order = apply_supplier_order(order, supplier_order, source=EventSource.WEBHOOK)
    if (
        event.tracking
        and event.tracking.tracking_number
        and order.status in (OrderStatus.SHIPPED, OrderStatus.DELIVERED)
    ):
        apply_tracking(order, event.tracking, source=EventSource.WEBHOOK)
    return WebhookState.PROCESSED, f"order {order.reference}: {before} → {order.status}"


def apply_logistic_event(merchant: Merchant, event: WebhookEvent) -> tuple[str, str]:
    if event.tracking is None or not event.tracking.tracking_number:
        return WebhookState.IGNORED, "No tracking number in the message."
    order = _find_order(merchant, order_id=event.order_id, reference=event.order_reference)
    if order is None:
        shipment = Shipment.objects.for_merchant(merchant).filter(tracking_number=event.tracking.tracking_number)
        order = Order.objects.filter(pk__in=shipment.values("order_id")).first()
    if order is None:
        return WebhookState.IGNORED, f"No order for tracking {event.tracking.tracking_number}."
    before = order.status
    after = apply_tracking(order, event.tracking, source=EventSource.WEBHOOK).order.status
    return WebhookState.PROCESSED, f"tracking {event.tracking.tracking_number}: {before} → {after}"


def order_summary_counts(merchant: Merchant) -> dict[str, int]:
    counts = dict(Order.objects.for_merchant(merchant).order_by().values_list("status").annotate(n=Count("pk")))
    return {status: counts.get(status, 0) for status in OrderStatus.values}


def tracking_payload(order: Order) -> dict[str, Any]:
    shipments = list(order.shipments.all())
    events = []
    for shipment in shipments:
        for event in shipment.events.all():
            events.append(
                {
                    "occurred_at": event.occurred_at,
                    "status": event.status,
                    "description": event.description,
                    "location": event.location,
                    "tracking_number": shipment.tracking_number,
                }
            )
    events.sort(key=lambda e: e["occurred_at"], reverse=True)
    first = shipments[0] if shipments else None
    return {
        "order_id": str(order.pk),
        "status": order.status,
        "tracking_number": first.tracking_number if first else "",
        "carrier": first.carrier if first else "",
        "tracking_url": first.carrier_link if first else "",
        "packages": [
            {
                "tracking_number": s.tracking_number,
                "carrier": s.carrier,
                "status": s.status,
                "delivered": s.delivered,
                "tracking_url": s.carrier_link,
            }
            for s in shipments
        ],
        "events": events,
    }
