"""Thin Celery tasks: load by id, call the action."""

from __future__ import annotations

from celery import shared_task

from nexusone.core.tenancy import runs_for_merchant


@shared_task(name="inventory.run_sync", ignore_result=True)
@runs_for_merchant(model="inventory.SyncRun", object_arg="run_id")
def run_sync_task(run_id: str) -> None:
    from .actions import execute_sync
    from .models import SyncRun

    run = SyncRun.objects.select_related("merchant").filter(pk=run_id).first()
    if run is not None:
        execute_sync(run)


@shared_task(name="inventory.scheduled_sync", ignore_result=True)
@runs_for_merchant(merchant_arg="merchant_id")
def scheduled_sync_task(merchant_id: str) -> None:
    """Beat's per-merchant schedule: one planned cycle (the products most in need of a read), on this worker."""
    from nexusone.accounts.models import Merchant

    from .actions import run_planned_cycle

    merchant = Merchant.objects.filter(pk=merchant_id).first()
    if merchant is not None:
        run_planned_cycle(merchant)


@shared_task(name="inventory.subscribe_products", ignore_result=True)
@runs_for_merchant(merchant_arg="merchant_id")
def subscribe_products_task(merchant_id: str) -> None:
    """After an import: subscribe the new products to the supplier's catalog messages."""
    from nexusone.accounts.models import Merchant

    from .actions import subscribe_products

    merchant = Merchant.objects.filter(pk=merchant_id).first()
    if merchant is not None:
        subscribe_products(merchant)


@shared_task(name="inventory.unsubscribe_products", ignore_result=True)
@runs_for_merchant(merchant_arg="merchant_id")
def unsubscribe_products_task(merchant_id: str, external_ids: list[str]) -> None:
    """After a delete: stop the supplier's messages for products no store carries any more."""
    from nexusone.accounts.models import Merchant

    from .actions import unsubscribe_products

    merchant = Merchant.objects.filter(pk=merchant_id).first()
    if merchant is not None:
        unsubscribe_products(merchant, external_ids)
