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
