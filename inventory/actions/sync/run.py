"""Running a sync: start (one full sync per merchant at a time), claim, read in batches, finish with counts.

A run moves only as `choices.SYNC_TRANSITIONS` allows. Batches are read from the supplier and diffed
(`diff`), written in bulk (`write`), and the run's row and live events carry the progress.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from nexusone.core.events import publish_event
from nexusone.notifications.actions import emit
from nexusone.notifications.choices import EventType, Level
from nexusone.suppliers.actions import get_supplier_account
from nexusone.suppliers.base import Supplier, SupplierError, WebhookEvent
from nexusone.suppliers.budget import Purpose, spending
from nexusone.suppliers.registry import get_supplier

from ...choices import ACTIVE_SYNC_STATUSES, SYNC_TRANSITIONS, ChangeStatus, SyncStatus, SyncTrigger
from ...models import Product, ProductFreshness, SyncChange, SyncRun
from ...stock_notices import batched_by_run
from ..preferences import get_inventory_settings
from ..pricing import default_rule
from . import fetch
from .diff import SyncContext, diff_products
from .write import PendingWrites, flush_writes

if TYPE_CHECKING:
    from nexusone.accounts.models import Merchant, User

logger = logging.getLogger(__name__)

SYNC_BATCH_SIZE = 50  # products read from the supplier per batch
STALE_RUN_AFTER = 30 * 60  # a running sync silent this long is considered dead
CONNECT_CJ_MESSAGE = "No CJ account is connected: connect CJ Dropshipping in Settings, then sync again."
MAX_ERRORS_KEPT = 200


def start_sync(
    merchant: Merchant,
    trigger: str,
    product_ids: Iterable[str] | None = None,
    *,
    stock_only_ids: Iterable[str] = (),
    by: User | None = None,
    dry_run: bool = False,
    run_now: bool = False,
    on_progress: Callable[[SyncRun], None] | None = None,
) -> SyncRun:
    """Queue a sync of every product (`product_ids` None) or of some products; returns the run.

    `stock_only_ids` (of `product_ids`): read only their stock, one call each instead of two.
    One full sync per merchant at a time: while one is queued or running, asking again returns it.
    `run_now` runs it in this process (command, scheduled task, webhooks) instead of on a worker.
    """
    if trigger not in SyncTrigger.values:
        raise ValidationError({"trigger": f"Unknown trigger {trigger!r}."})
    expire_stale_runs(merchant)
    is_full = product_ids is None
    ids = [] if is_full else [str(pid) for pid in product_ids]
    try:
        with transaction.atomic():
            run = SyncRun.objects.create(
                merchant=merchant,
                trigger=trigger,
                is_full=is_full,
                product_ids=ids,
                stock_only_ids=sorted(set(map(str, stock_only_ids)) & set(ids)),
                dry_run=dry_run,
                started_by=by,
            )
    except IntegrityError:
        running = SyncRun.objects.for_merchant(merchant).filter(is_full=True, status__in=ACTIVE_SYNC_STATUSES).first()
        if running is None:
            raise
        return running
    if run_now:
        return execute_sync(run, on_progress=on_progress)
    from ...tasks import run_sync_task

    transaction.on_commit(lambda: run_sync_task.delay(str(run.pk)))
    return run


def expire_stale_runs(merchant: Merchant) -> int:
    """A run whose worker died must not hold the merchant's lock forever."""
    cutoff = timezone.now() - timezone.timedelta(seconds=STALE_RUN_AFTER)
    return (
        SyncRun.objects.for_merchant(merchant)
        .filter(status__in=SYNC_TRANSITIONS.sources(SyncStatus.FAILED), updated_at__lt=cutoff)
        .update(
            status=SyncStatus.FAILED,
            finished_at=timezone.now(),
            errors=[{"detail": "The sync stopped responding and was abandoned."}],
        )
    )


@dataclass
class BatchResult:
    processed: int = 0
    changed: int = 0
    failed: int = 0
    api_calls: int = 0
    errors: list[dict[str, str]] = field(default_factory=list)
    fatal: SupplierError | None = None


@batched_by_run  # its stock news goes out as one message per kind
def execute_sync(
    run: SyncRun,
    *,
    sleep: Callable[[float], None] = time.sleep,
    on_progress: Callable[[SyncRun], None] | None = None,
) -> SyncRun:
    """Run a queued sync to the end (idempotent: a run already claimed is returned as it is)."""
    if not _claim(run):
        return run
    account = get_supplier_account(run.merchant)
    if account is None:
        return finish_run(run, SyncStatus.FAILED, [{"detail": CONNECT_CJ_MESSAGE}])
    try:
        supplier = get_supplier(account)
    except (LookupError, SupplierError) as exc:
        return finish_run(run, SyncStatus.FAILED, [{"detail": f"The CJ connection is not usable: {exc}"}])
    inventory_settings = get_inventory_settings(run.merchant)
    context = SyncContext(
        settings=inventory_settings,
        base_rule=default_rule(inventory_settings),
        countries=inventory_settings.countries,
        now=timezone.now(),
        dry_run=run.dry_run,
    )
    ids = _products_to_check(run, account.supplier)
    errors: list[dict[str, str]] = []
    try:
        # A refresh never dips into the points kept for imports and orders; an order's own check does.
        with spending(Purpose.FOREGROUND if run.trigger == SyncTrigger.ORDER_CHECK else Purpose.BACKGROUND):
            fatal = _run_batches(run, supplier, ids, context, errors, sleep=sleep, on_progress=on_progress)
    except Exception as exc:
        logger.exception("Sync %s stopped by an unexpected error", run.pk)
        errors.insert(0, {"detail": f"Stopped by an unexpected error: {exc.__class__.__name__}: {exc}"})
        return finish_run(run, SyncStatus.PARTIAL if run.processed else SyncStatus.FAILED, errors)
    return finish_run(run, _outcome(run, fatal, errors), errors)


def _claim(run: SyncRun) -> bool:
    """Queued → running for exactly one worker (a conditional UPDATE); the run is read back either way."""
    now = timezone.now()
    claimed = SyncRun.objects.filter(pk=run.pk, status__in=SYNC_TRANSITIONS.sources(SyncStatus.RUNNING)).update(
        status=SyncStatus.RUNNING, started_at=now, updated_at=now
    )
    run.refresh_from_db()
    return bool(claimed)


def _products_to_check(run: SyncRun, supplier_code: str) -> list[Any]:
    """The run's products (all of the merchant's from this supplier, or those it names), in pk order; sets `total`."""
    products = Product.objects.for_merchant(run.merchant).filter(supplier=supplier_code)
    if not run.is_full:
        products = products.filter(pk__in=run.product_ids)
    ids = list(products.order_by("pk").values_list("pk", flat=True))
    run.total = len(ids)
    SyncRun.objects.filter(pk=run.pk).update(total=run.total, updated_at=timezone.now())
    publish_progress(run)
    return ids


def _run_batches(
    run: SyncRun,
    supplier: Supplier,
    ids: Sequence[Any],
    context: SyncContext,
    errors: list[dict[str, str]],
    *,
    sleep: Callable[[float], None],
    on_progress: Callable[[SyncRun], None] | None,
) -> SupplierError | None:
    """Read, diff and write batch by batch, reporting progress; returns the error that stopped the run, if any."""
    pending = PendingWrites()
    for start in range(0, len(ids), SYNC_BATCH_SIZE):
        result = sync_batch(run, supplier, ids[start : start + SYNC_BATCH_SIZE], context, pending, sleep=sleep)
        if pending.due():
            errors.extend(flush_writes(run, pending, context))
        _add_batch(run, result, errors)
        if on_progress is not None:
            on_progress(run)
        if result.fatal is not None:
            errors.extend(flush_writes(run, pending, context))
            return result.fatal
    errors.extend(flush_writes(run, pending, context))
    return None


def _add_batch(run: SyncRun, result: BatchResult, errors: list[dict[str, str]]) -> None:
    run.processed += result.processed
    run.changed += result.changed
    run.failed += result.failed
    run.api_calls += result.api_calls
    errors.extend(result.errors)
    SyncRun.objects.filter(pk=run.pk).update(
        processed=run.processed,
        changed=run.changed,
        failed=run.failed,
        api_calls=run.api_calls,
        errors=errors[:MAX_ERRORS_KEPT],
        updated_at=timezone.now(),
    )
    publish_progress(run)


def _outcome(run: SyncRun, fatal: SupplierError | None, errors: list[dict[str, str]]) -> str:
    """Succeeded, partial or failed; a run stopped early counts what it did not check as failed and says so."""
    if fatal is not None:
        skipped = run.total - run.processed - run.failed
        errors.insert(
            0, {"detail": f"Stopped: {fatal}. {skipped} product(s) were not checked; run the sync again later."}
        )
        run.failed += skipped
    elif not run.failed:
        return SyncStatus.SUCCEEDED
    return SyncStatus.PARTIAL if run.processed else SyncStatus.FAILED


def finish_run(run: SyncRun, status: str, errors: list[dict[str, str]]) -> SyncRun:
    """Running → its outcome, with the errors kept; the merchant hears how it ended."""
    SYNC_TRANSITIONS.check(run.status, status)
    run.status = status
    run.errors = errors[:MAX_ERRORS_KEPT]
    run.finished_at = timezone.now()
    run.save(update_fields=["status", "errors", "finished_at", "failed", "updated_at"])
    publish_progress(run, kind="sync.finished")
    if not run.dry_run:
        announce_run(run, errors)
    return run


def announce_run(run: SyncRun, errors: list[dict[str, str]]) -> None:
    """sync.failed with the first error, or sync.completed with the counts."""
    counts = {name: getattr(run, name) for name in ("total", "processed", "changed", "failed")}
    payload = {"run_id": str(run.pk), "status": run.status, "trigger": run.trigger, **counts}
    link = f"/inventory/syncs/{run.pk}/"
    if run.status == SyncStatus.FAILED:
        body = errors[0]["detail"] if errors else "The sync failed."
        emit(
            run.merchant,
            EventType.SYNC_FAILED,
            payload,
            title="Inventory sync failed",
            body=body,
            level=Level.ERROR,
            link=link,
        )
        return
    held = SyncChange.objects.filter(merchant_id=run.merchant_id, run=run, status=ChangeStatus.HELD).count()
    if held:
        emit(
            run.merchant,
            EventType.PRICE_CHANGE_HELD,
            {**payload, "held": held},
            title=f"{held} price change(s) held for review",
            body="CJ's cost moved past your guardrail; approve or reject each change before prices follow.",
            level=Level.WARNING,
            link="/inventory/changes/",
        )
    partial = run.status == SyncStatus.PARTIAL
    if run.trigger == SyncTrigger.PLANNED and not partial and not run.changed:
        return  # a quarter-hourly cycle that found nothing new is not news
    emit(
        run.merchant,
        EventType.SYNC_COMPLETED,
        payload,
        title=f"Inventory sync {'partly done' if partial else 'finished'}: {run.changed} product(s) changed",
        body=f"{run.processed} of {run.total} checked, {run.changed} changed, {run.failed} failed.",
        level=Level.WARNING if partial else Level.SUCCESS,
        link=link,
    )


def publish_progress(run: SyncRun, kind: str = "sync.progress") -> None:
    publish_event(
        run.merchant_id,
        kind,
        {
            "run_id": str(run.pk),
            "status": run.status,
            "total": run.total,
            "processed": run.processed,
            "changed": run.changed,
            "failed": run.failed,
            "percent": run.percent,
        },
    )


def sync_batch(
    run: SyncRun,
    supplier: Supplier,
    product_ids: Sequence[Any],
    context: SyncContext,
    pending: PendingWrites,
    *,
    sleep: Callable[[float], None] = time.sleep,
) -> BatchResult:
    """Read one batch from the supplier and diff it; what changed joins `pending` for the write phase."""
    result = BatchResult()
    products = list(
        Product.objects.filter(pk__in=product_ids, merchant_id=run.merchant_id)
        .select_related("pricing_rule")
        .prefetch_related("variants")
        .order_by("pk")
    )
    fetched: dict[Any, fetch.Fetched] = {}
    stock_only = set(run.stock_only_ids)
    for product in products:
        try:
            if str(product.pk) not in stock_only:
                fetched[product.pk] = fetch.fetch_product(
                    supplier, product.external_id, retry=fetch.SYNC_RETRIES, sleep=sleep
                )
            else:
                fetched[product.pk] = fetch.fetch_stock(
                    supplier, product.external_id, retry=fetch.SYNC_RETRIES, sleep=sleep
                )
            result.api_calls += fetched[product.pk].calls
        except SupplierError as exc:
            result.api_calls += getattr(exc, "calls", 1)
            if fetch.SYNC_RETRIES.stops(exc):
                # Nothing later in the run can succeed either: stop and say so rather than fail every product.
                result.fatal = exc
                break
            result.failed += 1
            result.errors.append(
                {"product_id": str(product.pk), "external_id": product.external_id, "detail": str(exc) or repr(exc)}
            )
    checked = [p for p in products if p.pk in fetched]
    awaiting_review = dict(
        SyncChange.objects.filter(
            merchant_id=run.merchant_id, status=ChangeStatus.HELD, product_id__in=[p.pk for p in checked]
        ).values_list("product_id", "new_cost")
    )
    product_rows, variant_rows, changes = diff_products(checked, fetched, context, awaiting_review)
    result.processed = len(checked)
    result.changed = len({row.id for row in product_rows} | {change.product.pk for change in changes})
    if not context.dry_run:
        mark_read(checked, fetched)
        pending.product_rows.extend(product_rows)
        pending.variant_rows.extend(variant_rows)
        pending.changes.extend(changes)
        pending.products.extend(p for p in checked if fetched[p.pk].product is not None or fetched[p.pk].stock_only)
    return result


def mark_read(products: Sequence[Product], fetched: dict[Any, fetch.Fetched]) -> None:
    """When each product's stock (and, unless the read was stock-only, its costs) were last read."""
    now = timezone.now()
    stock_only = [p for p in products if fetched[p.pk].stock_only]
    full = [p for p in products if not fetched[p.pk].stock_only]
    record_freshness(stock_only, stock_read_at=now)
    record_freshness(full, stock_read_at=now, price_read_at=now)


def record_freshness(products: Sequence[Product], **moments: Any) -> None:
    """Set these moments on the products' freshness rows (created when missing), one statement."""
    if not products:
        return
    ProductFreshness.objects.bulk_create(
        [ProductFreshness(product_id=p.pk, merchant_id=p.merchant_id, **moments) for p in products],
        update_conflicts=True,
        unique_fields=["product"],
        update_fields=list(moments),
    )


def apply_supplier_stock_event(merchant: Merchant, event: WebhookEvent) -> SyncRun | None:
    """A CJ product, variant or stock message: re-read the products it names at once.

    CJ's stock message carries only per-area totals and may arrive late or twice, so it
    is a prompt to read exact stock (stock only: one call), not the stock itself. Returns the run,
    or None when the message names none of the merchant's products.
    """
    if event.topic.lower() not in ("product", "variant", "stock"):
        return None
    product_ids, variant_ids = set(), set()
    payload = event.payload or {}
    if event.product_id:
        product_ids.add(str(event.product_id))
    if event.variant_id:  # a VARIANT message names only its vid
        variant_ids.add(str(event.variant_id))
    variant_ids.update(level.variant_id for level in event.stock)
    if payload.get("pid"):
        product_ids.add(str(payload["pid"]))
    if payload.get("vid"):
        variant_ids.add(str(payload["vid"]))
    if event.topic.lower() == "stock":
        variant_ids.update(str(key) for key, value in payload.items() if isinstance(value, list))
    if not product_ids and not variant_ids:
        return None
    matches = Product.objects.for_merchant(merchant).filter(
        Q(external_id__in=product_ids) | Q(variants__external_id__in=variant_ids)
    )
    ids = sorted({str(pk) for pk in matches.values_list("pk", flat=True)})
    if not ids:
        return None
    record_freshness(list(Product.objects.filter(pk__in=ids).only("pk", "merchant_id")), changed_at=timezone.now())
    # A stock message needs only the exact stock (one call); product and variant news may move costs too.
    stock_only = ids if event.topic.lower() == "stock" else ()
    return start_sync(merchant, SyncTrigger.WEBHOOK, product_ids=ids, stock_only_ids=stock_only, run_now=True)
