"""What a merchant does to an order after it is placed: retry, cancel, refund."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from nexusone.core.audit import record_event
from nexusone.core.exceptions import InvalidTransition
from nexusone.notifications.actions import emit
from nexusone.notifications.models import Level
from nexusone.suppliers.base import SupplierUnavailable
from nexusone.suppliers.errors import SupplierNotConnected
from nexusone.suppliers.registry import get_supplier

from ..choices import CANCELLABLE, REFUNDABLE, EventSource, LogOutcome, OrderStatus, StockState, SubmissionState
from ..models import ZERO, Order, SupplierSubmission
from .commission import CENT, reverse_commission
from .customer_emails import email_customer
from .errors import SupplierUnreachable
from .lines import ResolvedLine
from .outbox import dispatch_submission, mark_submission
from .reservations import give_back_stock, release_stock, reserve_stock
from .settings import get_supplier_account
from .status import lock_order, log_step, order_changed, transition_order

if TYPE_CHECKING:
    from nexusone.accounts.models import User


@dataclass(frozen=True)
class AllowedActions:
    """What a merchant may do to an order now: the order page shows these buttons, the actions refuse the rest."""

    cancel: bool
    refund: bool
    retry: bool
    refresh: bool


def can_cancel(order: Order) -> bool:
    return order.status in CANCELLABLE


def can_refund(order: Order) -> bool:
    return order.status in REFUNDABLE and order.refunded_amount < order.total_amount


def can_retry(order: Order, submission: SupplierSubmission | None) -> bool:
    """Failed orders retry; a waiting one may be sent now unless a worker is sending it."""
    if order.status == OrderStatus.FAILED:
        return True
    return (
        order.status == OrderStatus.PENDING and submission is not None and submission.state != SubmissionState.SENDING
    )


def allowed_actions(order: Order) -> AllowedActions:
    submission = getattr(order, "submission", None)
    return AllowedActions(
        cancel=can_cancel(order),
        refund=can_refund(order),
        retry=can_retry(order, submission),
        refresh=bool(order.external_order_id),
    )


def retry_order(order: Order, *, by: User | None = None) -> Order:
    """A failed order goes back to pending (reserving its stock again); a pending one is sent now."""
    with transaction.atomic():
        order = lock_order(order)
        submission = SupplierSubmission.objects.select_for_update().get(order=order)
        if not can_retry(order, submission):
            raise InvalidTransition(f"Order {order.reference} is {order.status}; only failed or waiting orders retry.")
        if order.status == OrderStatus.FAILED:
            lines = [
                ResolvedLine(index=i, variant=line.variant, quantity=line.quantity)
                for i, line in enumerate(order.lines.select_related("variant__product"))
                if line.variant is not None
            ]
            reserve_stock(order.merchant, lines)
            Order.objects.filter(pk=order.pk).update(stock_state=StockState.RESERVED, last_error="")
            order.stock_state = StockState.RESERVED
            transition_order(order, OrderStatus.PENDING, source=EventSource.USER, note="Retried", actor=by)
        if submission.state in (SubmissionState.FAILED, SubmissionState.PENDING):
            submission.state = SubmissionState.PENDING
        submission.next_attempt_at = timezone.now()
        submission.save(update_fields=["state", "next_attempt_at", "updated_at"])
        log_step(order, "order.retry", LogOutcome.INFO, "Sent to CJ again on request.")
        record_event("order.retried", merchant=order.merchant, actor=by, target=order)
        dispatch_submission(submission.pk)
    return order


def cancel_order(order: Order, *, by: User | None = None, reason: str = "", source: str = EventSource.USER) -> Order:
    """Cancel before shipping: give the stock back, delete the CJ order where CJ still allows it."""
    if not can_cancel(order):
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
        order = lock_order(order)
        if not can_cancel(order):
            raise InvalidTransition(f"Order {order.reference} is {order.status}; it can no longer be cancelled.")
        submission = SupplierSubmission.objects.select_for_update().filter(order=order).first()
        if submission is not None and submission.state in (SubmissionState.PENDING, SubmissionState.FAILED):
            mark_submission(submission, SubmissionState.FAILED, "Order cancelled before it reached CJ.")
        if cancelled_at_supplier is False:
            order.cancellation_note = (
                f"CJ no longer allows deleting order {order.external_order_id} by API; "
                "request the cancellation at CJ (support or dispute)."
            )
            stock_note = "reservation released" if release_stock(order) else ""
            emit(
                order.merchant,
                "order.cancel_at_cj",
                {"order_id": str(order.pk), "reference": order.reference},
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
        order = lock_order(order)
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
        else:
            order_changed(order)  # a further partial refund: no status change, but new figures
        log_step(order, "order.refunded", LogOutcome.OK, f"{amount} {order.currency} refunded. {reason}".strip())
        record_event("order.refunded", merchant=order.merchant, actor=by, target=order, data={"amount": str(amount)})
        email_customer(order, OrderStatus.REFUNDED, amount=str(amount))
    return order
