"""Thin Celery tasks: load by id, call the action. Queued with transaction.on_commit."""

from __future__ import annotations

from celery import shared_task

from nexusone.core.tenancy import runs_for_merchant, runs_in_bypass

SUBMIT_TASK = "orders.tasks.submit_order_task"
SWEEP_SUBMISSIONS_TASK = "orders.tasks.sweep_submissions_task"
POLL_TRACKING_TASK = "orders.tasks.poll_tracking_task"


@shared_task(name=SUBMIT_TASK, ignore_result=True)
@runs_for_merchant(model="orders.SupplierSubmission", object_arg="submission_id")
def submit_order_task(submission_id: str) -> None:
    from . import actions

    actions.submit_order(submission_id)


@shared_task(name=SWEEP_SUBMISSIONS_TASK, ignore_result=True)
@runs_in_bypass("beat sweep over every store's due supplier submissions")
def sweep_submissions_task() -> int:
    """Beat: send what is due — pending rows, unknown outcomes to reconcile, rows a crashed worker left."""
    from . import actions

    ids = actions.due_submission_ids()
    for submission_id in ids:
        actions.submit_order(submission_id)
    return len(ids)


@shared_task(name=POLL_TRACKING_TASK, ignore_result=True)
@runs_in_bypass("beat poll of every store's due shipments")
def poll_tracking_task() -> int:
    from . import actions

    return actions.poll_tracking(actions.due_shipment_ids())


@shared_task(name="orders.tasks.email_customer_task", ignore_result=True)
@runs_for_merchant(model="orders.Order", object_arg="order_id")
def email_customer_task(order_id: str, kind: str, extra: dict | None = None) -> None:
    from . import actions
    from .models import Order

    order = Order.objects.select_related("merchant").filter(pk=order_id).first()
    if order is not None:
        actions.send_customer_email(order, kind, extra)


@shared_task(name="orders.tasks.announce_order_task", ignore_result=True)
@runs_for_merchant(model="orders.Order", object_arg="order_id")
def announce_order_task(order_id: str, event: str) -> None:
    """Tell the merchant's channels about an order (queued after its create commits)."""
    from . import actions
    from .models import Order

    order = Order.objects.select_related("merchant").filter(pk=order_id).first()
    if order is not None:
        actions.announce_order(order, event)
