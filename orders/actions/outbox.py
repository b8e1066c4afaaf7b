"""The outbox: each order goes to the supplier once under its idempotency key, then is retried or settled."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from nexusone.notifications.actions import emit
from nexusone.notifications.models import Level
from nexusone.suppliers.base import (
    Address,
    OrderLineRequest,
    OrderRequest,
    SupplierAuthError,
    SupplierCircuitOpen,
    SupplierError,
    SupplierOrder,
    SupplierOutcomeUnknown,
    SupplierRateLimited,
    SupplierRejected,
    SupplierUnavailable,
)
from nexusone.suppliers.models import SupplierAccount
from nexusone.suppliers.registry import get_supplier

from ..choices import EventSource, LogOutcome, OrderStatus, SubmissionState
from ..models import ZERO, Order, SupplierSubmission
from .commission import record_sale_commission
from .reservations import consume_stock, release_stock
from .settings import get_fulfillment_settings, get_supplier_account
from .shipping import choose_quote, quote_shipping
from .status import (
    AWAITING_PAYMENT_STATUSES,
    SUPPLIER_STATUS_MAP,
    advance_from_supplier,
    lock_order,
    log_step,
    transition_order,
)

if TYPE_CHECKING:
    from nexusone.suppliers.base import Supplier

logger = logging.getLogger(__name__)


SUBMISSION_LEASE = timedelta(minutes=2)

CIRCUIT_WAIT = timedelta(seconds=30)

MAX_BACKOFF = timedelta(minutes=30)

NOTIFY_AFTER_ATTEMPTS = 5

REJECTED_DUPLICATE = "1603003"  # CJ: "Order exist, please do not duplicate create"


def dispatch_submission(submission_id: Any) -> None:
    from .. import tasks

    def send() -> None:
        try:
            tasks.submit_order_task.delay(str(submission_id))
        except Exception:  # noqa: BLE001 - the beat task picks the row up when the broker is back
            logger.warning("Could not queue submission %s; the periodic retry will send it", submission_id)

    transaction.on_commit(send)


def backoff(attempts: int) -> timedelta:
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


def _order_request(
    order: Order, submission: SupplierSubmission, pay_from_balance: bool, from_country: str
) -> OrderRequest:
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
        from_country_code=from_country,
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
        mark_submission(submission, SubmissionState.PENDING, "No CJ account connected.", delay=MAX_BACKOFF)
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
        mark_submission(submission, SubmissionState.PENDING, str(exc) or "CJ circuit open", delay=CIRCUIT_WAIT)
        log_step(order, "supplier.submit", LogOutcome.RETRY, "CJ is failing; the order waits and goes out later.")
        return submission
    except SupplierOutcomeUnknown as exc:
        mark_submission(submission, SubmissionState.UNKNOWN, str(exc), delay=backoff(submission.attempts))
        log_step(
            order, "supplier.submit", LogOutcome.RETRY, "No answer from CJ; the order is looked up before resending."
        )
        _notify_slow(submission)
        return submission
    except SupplierRateLimited as exc:
        wait = timedelta(seconds=exc.retry_after) if exc.retry_after else backoff(submission.attempts)
        mark_submission(submission, SubmissionState.PENDING, str(exc), delay=wait)
        log_step(order, "supplier.submit", LogOutcome.RETRY, f"CJ rate limit; retrying in {wait}.")
        return submission
    except SupplierUnavailable as exc:
        state = SubmissionState.UNKNOWN if look_up_first else SubmissionState.PENDING
        mark_submission(submission, state, str(exc), delay=backoff(submission.attempts))
        log_step(order, "supplier.submit", LogOutcome.RETRY, f"CJ unavailable: {exc}")
        _notify_slow(submission)
        return submission
    except SupplierRejected as exc:
        if str(exc.code) == REJECTED_DUPLICATE:
            mark_submission(submission, SubmissionState.UNKNOWN, str(exc), delay=timedelta(0))
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
    _recheck_stock(order)
    pay = settings_row.pay_from_balance and merchant.capabilities.automatic_fulfillment
    request = _order_request(order, submission, pay, settings_row.from_country_code)
    return supplier.create_order(request)


def _recheck_stock(order: Order) -> None:
    """Read the ordered products' stock again when the last read is old (charged to the points reserve)."""
    from inventory.actions.order_check import recheck_stock_for_order

    run = recheck_stock_for_order(order.merchant, {line.product_id for line in order.lines.all()})
    if run is not None and run.errors:
        log_step(order, "stock.rechecked", LogOutcome.INFO, f"Stock not re-read: {run.errors[0]['detail']}")
    elif run is not None:
        log_step(order, "stock.rechecked", LogOutcome.OK, f"Stock re-read at CJ for {run.processed} product(s).")


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
    mark_submission(submission, SubmissionState.FAILED, note)
    log_step(order, "supplier.withdrawn", LogOutcome.INFO, note)
    return submission


def mark_submission(
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
        emit(
            submission.merchant,
            "order.delayed",
            {"order_id": str(order.pk), "reference": order.reference},
            title=f"Order {order.reference} has not reached CJ yet",
            body=f"{submission.attempts} attempts so far ({submission.last_error}). It keeps retrying.",
            level=Level.WARNING,
            link=reverse("orders:detail", args=[order.pk]),
        )


@transaction.atomic
def accept_submission(submission: SupplierSubmission, supplier_order: SupplierOrder) -> Order:
    """CJ has the order: record its id, consume the reservation, confirm, write the sale commission."""
    order = lock_order(submission.order)
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
        emit(
            order.merchant,
            "order.awaiting_payment",
            {"order_id": str(order.pk), "reference": order.reference},
            title=f"Order {order.reference} is waiting for payment at CJ",
            body="CJ accepted the order; pay it in your CJ account (or turn on automatic payment) so it ships.",
            level=Level.WARNING,
            link=reverse("orders:detail", args=[order.pk]),
        )
    return order


@transaction.atomic
def fail_submission(submission: SupplierSubmission, message: str) -> Order:
    """The supplier refused the order: it becomes failed (the merchant may retry), its stock goes back."""
    order = lock_order(submission.order)
    mark_submission(submission, SubmissionState.FAILED, message)
    order.last_error = message
    order.save(update_fields=["last_error", "updated_at"])
    log_step(order, "supplier.submit", LogOutcome.ERROR, message)
    if order.status == OrderStatus.PENDING:
        release_stock(order)
        transition_order(order, OrderStatus.FAILED, source=EventSource.SUPPLIER, note=message)
        emit(
            order.merchant,
            "order.failed",
            {"order_id": str(order.pk), "reference": order.reference},
            title=f"Order {order.reference} failed at CJ",
            body=message,
            level=Level.ERROR,
            link=reverse("orders:detail", args=[order.pk]),
        )
    return order
