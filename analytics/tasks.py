"""Thin Celery tasks: load by id, call the action."""

from __future__ import annotations

from celery import shared_task

from nexusone.core.tenancy import merchant_context, runs_for_merchant, runs_for_nobody

RECORD_ORDER_TASK = "analytics.tasks.record_order_task"
SNAPSHOT_STOCK_TASK = "analytics.tasks.snapshot_stock_task"


@shared_task(name=RECORD_ORDER_TASK, ignore_result=True)
@runs_for_merchant(model="orders.Order", object_arg="order_id")
def record_order_task(order_id: str) -> None:
    from . import actions

    actions.record_order(order_id)


@shared_task(name=SNAPSHOT_STOCK_TASK, ignore_result=True)
@runs_for_nobody()
def snapshot_stock_task() -> int:
    """Beat, hourly: every store's stock for its current day (the day's last run is its end-of-day stock)."""
    from nexusone.accounts.models import Merchant

    from . import actions

    total = 0
    for merchant in Merchant.objects.iterator():
        with merchant_context(merchant):
            total += actions.snapshot_stock(merchant)
    return total


REBUILD_TASK = "analytics.tasks.rebuild_task"


@shared_task(name=REBUILD_TASK, ignore_result=True)
@runs_for_merchant(merchant_arg="merchant_id")
def rebuild_task(merchant_id: str) -> int:
    from nexusone.accounts.models import Merchant

    from . import actions

    merchant = Merchant.objects.filter(pk=merchant_id).first()
    return actions.rebuild(merchant) if merchant else 0


def queue_rebuild(merchant) -> None:
    """The store's days moved (new time zone): count every order on its new day, in the background."""
    import logging

    try:
        rebuild_task.delay(str(merchant.pk))
    except Exception:  # noqa: BLE001 - no broker: `manage.py rebuild_analytics` does the same
        logging.getLogger(__name__).warning("Could not queue the analytics rebuild of %s", merchant.pk)
