"""Thin Celery tasks: load by id, call the action."""

from __future__ import annotations

from celery import shared_task

RECORD_ORDER_TASK = "analytics.tasks.record_order_task"
SNAPSHOT_STOCK_TASK = "analytics.tasks.snapshot_stock_task"


@shared_task(name=RECORD_ORDER_TASK, ignore_result=True)
def record_order_task(order_id: str) -> None:
    from . import actions

    actions.record_order(order_id)


@shared_task(name=SNAPSHOT_STOCK_TASK, ignore_result=True)
def snapshot_stock_task() -> int:
    """Beat, hourly: every store's stock for its current day (the day's last run is its end-of-day stock)."""
    from nexusone.accounts.models import Merchant

    from . import actions

    return sum(actions.snapshot_stock(merchant) for merchant in Merchant.objects.iterator())


REBUILD_TASK = "analytics.tasks.rebuild_task"


@shared_task(name=REBUILD_TASK, ignore_result=True)
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
