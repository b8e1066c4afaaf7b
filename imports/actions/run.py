"""Running an import job: fetch its queued items from the supplier in batches and create their products.

Idempotent: a finished job stays as it is, and items another runner wrote are skipped. Calls go one after
another; the CJ client's shared rate limiter paces them at the account's QPS.
"""

from __future__ import annotations

import logging
from typing import Any

from inventory.actions.sync.fetch import IMPORT_RETRIES, fetch_product
from nexusone.suppliers.actions import get_supplier_account
from nexusone.suppliers.base import (
    Supplier,
    SupplierAuthError,
    SupplierError,
    SupplierQuotaExhausted,
    SupplierRejected,
)
from nexusone.suppliers.registry import get_supplier

from ..choices import ItemStatus
from ..models import ImportItem, ImportJob
from . import create
from .create import FetchedItem, JobContext
from .start import NOT_CONNECTED_MESSAGE
from .status import claim, fail_items, finish, notify_finished, publish_progress

logger = logging.getLogger(__name__)

BATCH_SIZE = 25
UNEXPECTED_ERROR = "The import stopped on an unexpected error; import the failed items again."


class StopImport(Exception):
    """Nothing later in the job can succeed (no connection, refused key, points used up): the rest fail with this."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def fetch_item(supplier: Supplier, pid: str, countries: frozenset[str] | None = None) -> FetchedItem:
    """The product with its variants and their stock in `countries`; a supplier error becomes the item's outcome."""
    try:
        fetched = fetch_product(supplier, pid, retry=IMPORT_RETRIES, stock_required=False)
    except SupplierQuotaExhausted as exc:
        raise StopImport(f"CJ's daily API points are used up; import the rest after the reset. ({exc})") from None
    except SupplierAuthError:
        raise StopImport("CJ refused the API key; reconnect CJ in Settings → CJ connection.") from None
    except SupplierError as exc:
        refused = isinstance(exc, SupplierRejected)
        error = f"CJ refused this product: {exc}" if refused else f"CJ did not answer ({exc}); import it again later."
        return FetchedItem(status=ItemStatus.FAILED, error=error, calls=getattr(exc, "calls", 1))
    if fetched.product is None:
        return FetchedItem(status=ItemStatus.NOT_FOUND, error="CJ has no product with this ID.", calls=fetched.calls)
    stock = None
    if fetched.stock is not None:
        levels = fetched.stock
        stock = {
            v.variant_id: levels[v.variant_id].total(countries) if v.variant_id in levels else 0
            for v in fetched.product.variants
        }
    return FetchedItem(product=fetched.product, stock=stock, calls=fetched.calls)


def run_import_job(job_id: Any, *, supplier: Supplier | None = None) -> ImportJob:
    """Fetch the queued items of a job in batches and create their products. Idempotent: finished jobs stay."""
    job = ImportJob.objects.select_related("merchant").get(pk=job_id)
    if job.is_finished:
        return job
    claim(job)
    publish_progress(job)
    queued = list(job.items.filter(status=ItemStatus.QUEUED).order_by("position"))
    try:
        _run_batches(job, queued, supplier)
    except StopImport as stop:
        fail_items(job, queued, stop.message)
        job.error = stop.message
    except Exception:
        # Never leave a job running (its queued items would hold plan quota): fail what is left, then report.
        logger.exception("Import job %s stopped on an unexpected error", job.pk)
        job.error = UNEXPECTED_ERROR
        fail_items(job, queued, job.error)
    finished_here = finish(job)
    publish_progress(job)
    if finished_here:
        notify_finished(job)
        if job.imported:
            _subscribe_new_products(job)
    return job


def _subscribe_new_products(job: ImportJob) -> None:
    """New products get the supplier's catalog messages, so their changes arrive without polling."""
    from django.db import transaction

    from inventory.tasks import subscribe_products_task

    merchant_id = str(job.merchant_id)
    transaction.on_commit(lambda: subscribe_products_task.delay(merchant_id))


def _run_batches(job: ImportJob, queued: list[ImportItem], supplier: Supplier | None) -> None:
    if supplier is None:
        account = get_supplier_account(job.merchant)
        if account is None:
            raise StopImport(NOT_CONNECTED_MESSAGE)
        supplier = get_supplier(account)
    context = JobContext.build(job)
    for start in range(0, len(queued), BATCH_SIZE):
        batch = queued[start : start + BATCH_SIZE]
        fetched = [fetch_item(supplier, item.pid, context.countries) for item in batch]
        create.save_batch(job, context, list(zip(batch, fetched, strict=True)))
        publish_progress(job)
