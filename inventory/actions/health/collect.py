"""Reading the sync health panel: one store (dashboard home) or many (the staff view), in the same few queries.

Each figure is one query or one cache read over every asked-for store at once, so the staff view costs
the same number of queries for 1 store as for 200: the latest finished run and CJ message per store (one
query of ids, then the rows), product freshness and subscriptions (one aggregate), the beat schedules,
the CJ connections, the queued runs; points and the circuit come from the cache, waiting tasks from the
broker.

Queue lag: the age of the oldest sync task waiting for a worker. Two sources, because neither alone is
complete: the broker holds scheduled syncs (beat sends `inventory.scheduled_sync`; its run row is only
written when a worker picks it up), our `SyncRun` rows in `queued` hold manual, API and webhook syncs
whose message may be anywhere (or lost, on a broker we cannot read). The panel takes the older of the two.
"""

from __future__ import annotations

import dataclasses
import uuid
from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db.models import Count, Min, OuterRef, Q, Subquery
from django.utils import timezone

from nexusone.accounts.models import Merchant
from nexusone.core.queues import QueuePeek, peek_queue
from nexusone.suppliers.cj.circuit import CircuitBreaker
from nexusone.suppliers.cj.points import PointsLedger, reserve_percent
from nexusone.suppliers.cj.tokens import cj_account_key
from nexusone.suppliers.models import SupplierAccount, WebhookMessage

from ...choices import SyncStatus
from ...models import Product, SyncRun
from ..planner import freshness_plan, points_available
from ..schedules import RUN_SYNC_TASK, SCHEDULED_SYNC_TASK, schedule_name
from .figures import (
    FRESH_WITHIN,
    STALE_AFTER,
    FreshnessCounts,
    LastMessage,
    LastSync,
    PointsOutlook,
    QueueLag,
    Subscriptions,
    SupplierState,
    SyncHealth,
    next_run,
    points_outlook,
    utc,
)

if TYPE_CHECKING:
    from django_celery_beat.models import PeriodicTask

    from nexusone.suppliers.cj.points import PointsStatus

SYNC_TASKS = (SCHEDULED_SYNC_TASK, RUN_SYNC_TASK)  # first argument: the merchant's id, the run's id


def sync_health(merchant: Merchant, *, now: datetime | None = None) -> SyncHealth:
    """The panel of one store (the dashboard home), with what its schedule achieves within the CJ points the
    panel has read."""
    now = now or timezone.now()
    health = sync_health_for([merchant], now=now)[0]
    plan = freshness_plan(merchant, now, available=points_available(health.points))
    return dataclasses.replace(health, plan_message=plan.message)


def sync_health_for(merchants: Sequence[Merchant], *, now: datetime | None = None) -> list[SyncHealth]:
    """The panels of several stores (the staff view), in the order given."""
    now = now or timezone.now()
    ids = [merchant.pk for merchant in merchants]
    if not ids:
        return []
    runs, messages = _latest_runs_and_messages(ids)
    counts = _freshness_counts(ids, now)
    tasks = _schedules(merchants)
    accounts = _accounts(ids)
    queues = _queue_lags(ids, now)
    circuit = _circuit_state()
    points = _points_by_account(accounts.values(), now)
    return [
        SyncHealth(
            merchant_id=merchant.pk,
            merchant_name=merchant.name,
            checked_at=now,
            last_sync=_last_sync(runs.get(merchant.pk)),
            next_cycle_at=next_run(tasks.get(schedule_name(merchant)), now),
            freshness=counts.get(merchant.pk, (FreshnessCounts(), Subscriptions()))[0],
            subscriptions=counts.get(merchant.pk, (FreshnessCounts(), Subscriptions()))[1],
            points=_points_of(accounts.get(merchant.pk), points, now),
            queue=queues[merchant.pk],
            supplier=_supplier_state(accounts.get(merchant.pk), circuit),
            last_message=_last_message(messages.get(merchant.pk)),
        )
        for merchant in merchants
    ]


# --- queries ---------------------------------------------------------------------------------------------------


def _latest_runs_and_messages(ids: list[Any]) -> tuple[dict[Any, SyncRun], dict[Any, WebhookMessage]]:
    """Per store: the latest finished (real) run and the latest CJ message, each found through its index (one
    query each: the stores' latest ids are a subquery of it)."""
    finished = SyncRun.objects.filter(merchant=OuterRef("pk"), finished_at__isnull=False, dry_run=False)
    received = WebhookMessage.objects.filter(merchant=OuterRef("pk"))
    stores = Merchant.objects.filter(pk__in=ids)
    latest_runs = stores.annotate(latest=Subquery(finished.order_by("-created_at").values("pk")[:1])).values("latest")
    latest_messages = stores.annotate(latest=Subquery(received.order_by("-received_at").values("pk")[:1]))
    runs = {run.merchant_id: run for run in SyncRun.objects.filter(pk__in=latest_runs)}
    messages = WebhookMessage.objects.filter(pk__in=latest_messages.values("latest")).defer("raw_body", "payload")
    return runs, {message.merchant_id: message for message in messages}


def _freshness_counts(ids: list[Any], now: datetime) -> dict[Any, tuple[FreshnessCounts, Subscriptions]]:
    """One aggregate: products per store by the age of their stock read, and how many are subscribed."""
    read_at = "freshness__stock_read_at"
    hour_ago, day_ago = now - FRESH_WITHIN, now - STALE_AFTER
    rows = (
        Product.objects.filter(merchant_id__in=ids)
        .values("merchant_id")
        .annotate(
            total=Count("pk"),
            last_hour=Count("pk", filter=Q(**{f"{read_at}__gte": hour_ago})),
            last_day=Count("pk", filter=Q(**{f"{read_at}__lt": hour_ago, f"{read_at}__gte": day_ago})),
            older=Count("pk", filter=Q(**{f"{read_at}__lt": day_ago})),
            subscribed=Count("pk", filter=Q(freshness__subscribed_at__isnull=False)),
        )
        .order_by()
    )
    return {
        row["merchant_id"]: (
            FreshnessCounts(
                total=row["total"],
                last_hour=row["last_hour"],
                last_day=row["last_day"],
                older=row["older"],
                never=row["total"] - row["last_hour"] - row["last_day"] - row["older"],
            ),
            Subscriptions(subscribed=row["subscribed"], total=row["total"]),
        )
        for row in rows
    }


def _schedules(merchants: Sequence[Merchant]) -> dict[str, PeriodicTask]:
    from django_celery_beat.models import PeriodicTask

    names = [schedule_name(merchant) for merchant in merchants]
    return {
        task.name: task for task in PeriodicTask.objects.filter(name__in=names).select_related("crontab", "interval")
    }


def _accounts(ids: list[Any]) -> dict[Any, SupplierAccount]:
    """Each store's CJ connection; with the platform's CJ_API_KEY a store without one of its own uses that key
    (an unsaved account: the panel writes nothing, `get_supplier_account` creates it on the first call)."""
    accounts = {a.merchant_id: a for a in SupplierAccount.objects.filter(merchant_id__in=ids, supplier="cj")}
    if settings.CJ_API_KEY:
        for merchant_id in set(ids) - set(accounts):
            accounts[merchant_id] = SupplierAccount(merchant_id=merchant_id, supplier="cj")
    return accounts


def _queue_lags(ids: list[Any], now: datetime) -> dict[Any, QueueLag]:
    """Per store: sync tasks waiting in the broker and queued runs in our records; the older one counts."""
    queued = SyncRun.objects.filter(merchant_id__in=ids, status=SyncStatus.QUEUED).values("merchant_id")
    records = {row["merchant_id"]: row for row in queued.annotate(count=Count("pk"), oldest=Min("created_at"))}
    peek = peek_queue(SYNC_TASKS)
    waiting = _broker_waiting(peek, {str(pk): pk for pk in ids})
    lags = {merchant_id: QueueLag(readable=peek.readable, note=peek.note) for merchant_id in ids}
    for merchant_id in set(records) | set(waiting):
        record = records.get(merchant_id, {"count": 0, "oldest": None})
        moments = [m for m in (record["oldest"], *waiting.get(merchant_id, [])) if m is not None]
        oldest = min(moments) if moments else None
        lags[merchant_id] = QueueLag(
            waiting=max(record["count"], len(waiting.get(merchant_id, []))),
            oldest_at=oldest,
            seconds=max(0.0, (now - oldest).total_seconds()) if oldest else None,
            readable=peek.readable,
            note=peek.note,
        )
    return lags


def _broker_waiting(peek: QueuePeek, stores: dict[str, Any]) -> dict[Any, list[datetime | None]]:
    """Store id → the queued-at times of its waiting sync messages (a run's message names the run, not the store)."""
    runs = [task for task in peek.tasks if task.task == RUN_SYNC_TASK and task.args]
    run_ids = [task.args[0] for task in runs if _is_uuid(task.args[0])]
    owners = (
        {str(pk): m for pk, m in SyncRun.objects.filter(pk__in=run_ids).values_list("pk", "merchant_id")}
        if run_ids
        else {}
    )
    found: dict[Any, list[datetime | None]] = defaultdict(list)
    for task in peek.tasks:
        first = str(task.args[0]) if task.args else ""
        merchant_id = stores.get(first) if task.task == SCHEDULED_SYNC_TASK else owners.get(first)
        if merchant_id in stores.values():
            found[merchant_id].append(task.queued_at)
    return found


def _is_uuid(value: Any) -> bool:
    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return True


# --- cache reads -----------------------------------------------------------------------------------------------


def _circuit_state() -> tuple[str, datetime | None]:
    breaker = CircuitBreaker.for_cj()
    retry_at = breaker.retry_at()
    return breaker.state(), datetime.fromtimestamp(retry_at, UTC) if retry_at else None


def _points_by_account(accounts: Iterable[SupplierAccount], now: datetime) -> dict[str, PointsStatus]:
    """Today's points per CJ account (stores sharing a CJ account share its points: read once)."""
    found: dict[str, PointsStatus] = {}
    for account in accounts:
        key = cj_account_key(account)
        if key not in found:
            found[key] = PointsLedger(account).status(now)
    return found


# --- rows → figures --------------------------------------------------------------------------------------------


def _points_of(account: SupplierAccount | None, points: dict[str, PointsStatus], now: datetime) -> PointsOutlook | None:
    if account is None:
        return None
    return points_outlook(points[cj_account_key(account)], reserve_percent(), now)


def _supplier_state(account: SupplierAccount | None, circuit: tuple[str, datetime | None]) -> SupplierState:
    if account is None:
        return SupplierState(connected=False, circuit=circuit[0], circuit_retry_at=circuit[1])
    return SupplierState(
        connected=True,
        token_expires_at=utc(account.access_token_expires_at),
        refresh_expires_at=utc(account.refresh_token_expires_at),
        last_error=account.last_error,
        circuit=circuit[0],
        circuit_retry_at=circuit[1],
    )


def _last_sync(run: SyncRun | None) -> LastSync | None:
    if run is None:
        return None
    first_error = run.errors[0] if run.errors else {}
    return LastSync(
        status=run.status,
        status_label=run.get_status_display(),
        trigger_label=run.get_trigger_display(),
        finished_at=run.finished_at,
        total=run.total,
        processed=run.processed,
        changed=run.changed,
        failed=run.failed,
        error=str(first_error.get("detail", "")) if isinstance(first_error, dict) else str(first_error),
    )


def _last_message(message: WebhookMessage | None) -> LastMessage | None:
    if message is None:
        return None
    return LastMessage(topic=message.topic, action=message.action, received_at=message.received_at, state=message.state)
