"""The sync health panel's figures and what they mean in plain words. No queries here: `collect` reads them.

Each figure is a small frozen dataclass; `SyncHealth.problems` is the one place that decides what is
trouble (and how much: the staff view sorts by `trouble`), so the dashboard and the staff view agree.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cached_property
from typing import TYPE_CHECKING, Any

from nexusone.suppliers.cj.circuit import CLOSED, HALF_OPEN
from nexusone.suppliers.cj.points import PointsBalance

from ...choices import SyncStatus

if TYPE_CHECKING:
    from django_celery_beat.models import PeriodicTask

    from nexusone.suppliers.cj.points import PointsStatus

FRESH_WITHIN = timedelta(hours=1)  # "read in the last hour"
STALE_AFTER = timedelta(days=1)  # older than this: "older" (or never read)
PROJECTION_AFTER = timedelta(minutes=30)  # earlier in the UTC day, a pace says little
QUEUE_LAG_WARNING = timedelta(minutes=15)


@dataclass(frozen=True)
class LastSync:
    status: str
    status_label: str
    trigger_label: str
    finished_at: datetime | None
    total: int
    processed: int
    changed: int
    failed: int
    error: str


@dataclass(frozen=True)
class FreshnessCounts:
    """Products by the age of their last stock read: ≤ 1 hour, ≤ 1 day, older, never."""

    total: int = 0
    last_hour: int = 0
    last_day: int = 0
    older: int = 0
    never: int = 0

    @property
    def stale(self) -> int:
        return self.older + self.never


@dataclass(frozen=True)
class Subscriptions:
    subscribed: int = 0
    total: int = 0


@dataclass(frozen=True)
class LastMessage:
    topic: str
    action: str
    received_at: datetime
    state: str


@dataclass(frozen=True)
class QueueLag:
    """Sync tasks waiting for a worker: how many, since when. `readable` False: only our own records were read."""

    waiting: int = 0
    oldest_at: datetime | None = None
    seconds: float | None = None
    readable: bool = True
    note: str = ""

    @property
    def minutes(self) -> int | None:
        return None if self.seconds is None else int(self.seconds // 60)


@dataclass(frozen=True)
class SupplierState:
    connected: bool = False
    token_expires_at: datetime | None = None
    refresh_expires_at: datetime | None = None
    last_error: str = ""
    circuit: str = CLOSED
    circuit_retry_at: datetime | None = None


@dataclass(frozen=True)
class PointsOutlook(PointsBalance):
    """Today's CJ points and where today's pace leads by the reset (00:00 UTC)."""

    budget: int
    used: int
    reserve: int
    reserve_percent: int
    resets_at: datetime
    paused_until: datetime | None  # CJ said the points ran out
    projected_at_reset: int | None  # None: too early in the UTC day to tell
    syncs_pause_at: datetime | None  # background reads reach the reserve at today's pace, before the reset
    runs_out_at: datetime | None  # the whole budget is gone at today's pace, before the reset

    @property
    def percent_used(self) -> int:
        return min(100, round(self.used * 100 / self.budget)) if self.budget else 100

    @property
    def syncs_paused(self) -> bool:
        return self.exhausted or not self.background_remaining

    @property
    def sentence(self) -> str:
        """The outlook in a merchant's words."""
        if self.paused_until is not None:
            return "CJ says today's points are used up: syncs pause until midnight UTC. Orders and tracking go on."
        if self.syncs_paused:
            return (
                "Syncs have used their share of today's points and pause until midnight UTC; "
                f"the last {self.reserve_percent}% is kept for imports, shipping quotes and order checks."
            )
        if self.syncs_pause_at is not None:
            return (
                f"Points run out around {self.syncs_pause_at:%H:%M} UTC at today's pace — "
                "syncs pause until midnight UTC (imports and orders keep their reserve)."
            )
        if self.projected_at_reset is None:
            return f"{self.remaining:,} points left today; too early in the UTC day to project the pace."
        return (
            f"At today's pace about {self.projected_at_reset:,} of {self.budget:,} points are used "
            "by midnight UTC — enough for the day."
        )


def points_outlook(status: PointsStatus, reserve_percent: int, now: datetime) -> PointsOutlook:
    """Project today's spending (the day so far, since 00:00 UTC) to the reset."""
    elapsed = (now - (status.resets_at - timedelta(days=1))).total_seconds()
    projected = syncs_at = out_at = None
    if elapsed >= PROJECTION_AFTER.total_seconds():
        projected = status.projected_at_reset(now)
        rate = status.used / elapsed
        syncs_at = _reached_at(status.background_budget, status.used, rate, now, status.resets_at)
        out_at = _reached_at(status.budget, status.used, rate, now, status.resets_at)
    return PointsOutlook(
        budget=status.budget,
        used=status.used,
        reserve=status.reserve,
        reserve_percent=reserve_percent,
        resets_at=status.resets_at,
        paused_until=status.paused_until,
        projected_at_reset=projected,
        syncs_pause_at=syncs_at,
        runs_out_at=out_at,
    )


def _reached_at(target: int, used: int, rate: float, now: datetime, reset: datetime) -> datetime | None:
    """When `used` reaches `target` at `rate` points a second, if before the reset (None when already past)."""
    if used >= target or rate <= 0:
        return None
    moment = now + timedelta(seconds=(target - used) / rate)
    return moment if moment < reset else None


def next_run(task: PeriodicTask | None, now: datetime) -> datetime | None:
    """The next time beat sends the merchant's sync task (crontab or interval schedule); None when off."""
    if task is None or not task.enabled:
        return None
    if task.crontab is not None:
        from celery.schedules import crontab

        spec = task.crontab
        schedule = crontab(
            minute=spec.minute,
            hour=spec.hour,
            day_of_week=spec.day_of_week,
            day_of_month=spec.day_of_month,
            month_of_year=spec.month_of_year,
            nowfun=lambda: now,
        )
        return (now + schedule.remaining_estimate(now)).replace(microsecond=0)
    if task.interval is not None:
        every = task.interval.schedule.run_every
        return max(now, (task.last_run_at or now) + every)
    return None


@dataclass(frozen=True)
class Problem:
    weight: int  # 1: worth a look, 2: needs attention, 3: broken
    text: str


@dataclass(frozen=True)
class SyncHealth:
    """Everything the sync health panel shows for one store, read at `checked_at`."""

    merchant_id: Any
    merchant_name: str
    checked_at: datetime
    last_sync: LastSync | None
    next_cycle_at: datetime | None
    freshness: FreshnessCounts
    subscriptions: Subscriptions
    points: PointsOutlook | None  # None: no CJ connection
    queue: QueueLag
    supplier: SupplierState
    last_message: LastMessage | None
    # The planner's sentence ("412 products refresh hourly within your CJ points; 588 daily"): set for one
    # store's panel (`sync_health`), None in the staff view across stores.
    plan_message: str | None = None

    @cached_property
    def problems(self) -> tuple[Problem, ...]:
        found = [*_connection_problems(self.supplier), *_sync_problems(self)]
        if self.points is not None and (self.points.syncs_paused or self.points.syncs_pause_at):
            found.append(Problem(2 if self.points.syncs_paused else 1, self.points.sentence))
        return tuple(sorted(found, key=lambda problem: -problem.weight))

    @property
    def trouble(self) -> int:
        return sum(problem.weight for problem in self.problems)

    @property
    def all_well(self) -> bool:
        return not self.problems


def _connection_problems(supplier: SupplierState) -> list[Problem]:
    if not supplier.connected:
        return [Problem(3, "CJ is not connected: connect it in Settings so stock and prices stay current.")]
    found = []
    if supplier.last_error:
        found.append(Problem(3, f"CJ refused the connection: {supplier.last_error}"))
    if supplier.circuit != CLOSED:
        when = f" (next try {supplier.circuit_retry_at:%H:%M} UTC)" if supplier.circuit_retry_at else ""
        weight = 1 if supplier.circuit == HALF_OPEN else 3
        found.append(Problem(weight, f"CJ has been failing: calls to CJ are paused for a moment{when}."))
    return found


def _sync_problems(health: SyncHealth) -> list[Problem]:
    found = []
    last = health.last_sync
    if last is not None and last.status == SyncStatus.FAILED:
        found.append(Problem(3, f"The last sync failed: {last.error or 'no reason recorded'}"))
    elif last is not None and last.status == SyncStatus.PARTIAL:
        found.append(Problem(1, f"The last sync finished partly: {last.failed} product(s) could not be read."))
    lag = health.queue.seconds
    if lag is not None and lag >= QUEUE_LAG_WARNING.total_seconds():
        found.append(Problem(2, f"A sync has waited {health.queue.minutes} minutes for a worker."))
    fresh = health.freshness
    if fresh.stale:
        weight = 2 if fresh.stale * 10 >= fresh.total else 1
        found.append(Problem(weight, f"Not read in the last day: {fresh.stale:,} of {fresh.total:,} products."))
    if health.next_cycle_at is None and fresh.total:
        found.append(Problem(1, "No sync is scheduled: choose a frequency in Inventory settings."))
    return found


def utc(moment: datetime | None) -> datetime | None:
    return moment.astimezone(UTC) if moment is not None else None
