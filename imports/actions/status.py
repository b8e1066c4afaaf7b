"""An import job's lifecycle: its counters, claimed by a worker, finished with an outcome, progress and notice.

Status moves only as `choices.JOB_TRANSITIONS` allows; the writes are conditional on the table's sources,
so a redelivered task never moves a finished job again.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from nexusone.core.events import publish_event
from nexusone.notifications.actions import notify
from nexusone.notifications.models import Level

from ..choices import JOB_TRANSITIONS, ItemStatus, JobStatus
from ..models import ImportItem, ImportJob

COUNTER_FOR_STATUS = {
    ItemStatus.IMPORTED: "imported",
    ItemStatus.DUPLICATE: "duplicates",
    ItemStatus.INVALID: "invalid",
    ItemStatus.NOT_FOUND: "not_found",
    ItemStatus.PLAN_LIMIT: "plan_limit",
    ItemStatus.FAILED: "failed",
}


def count_statuses(items: Iterable[ImportItem]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for item in items:
        counts[item.status] = counts.get(item.status, 0) + 1
    return counts


def outcome(job: ImportJob) -> str:
    """Succeeded when every item landed, failed when none did, partial in between (from the job's counters)."""
    if job.invalid + job.not_found + job.plan_limit + job.failed == 0:
        return JobStatus.SUCCEEDED
    if job.imported + job.duplicates == 0:
        return JobStatus.FAILED
    return JobStatus.PARTIAL


def finish_in_memory(job: ImportJob) -> None:
    """Set the outcome on a job not written yet (all its items were decided when it started)."""
    status = outcome(job)
    JOB_TRANSITIONS.check(job.status, status)
    job.status, job.finished_at = status, timezone.now()


def claim(job: ImportJob) -> None:
    """Queued → running (a job already running, redelivered to another worker, stays as it is)."""
    now = timezone.now()
    claimed = ImportJob.objects.filter(pk=job.pk, status__in=JOB_TRANSITIONS.sources(JobStatus.RUNNING)).update(
        status=JobStatus.RUNNING, started_at=now, updated_at=now
    )
    if claimed:
        job.status, job.started_at = JobStatus.RUNNING, now


def finish(job: ImportJob) -> bool:
    """Write the job's outcome from its stored counters; False when another runner finished it first."""
    job.refresh_from_db(fields=list(COUNTER_FOR_STATUS.values()))  # the stored counts are the truth
    status, now = outcome(job), timezone.now()
    finished = ImportJob.objects.filter(pk=job.pk, status__in=JOB_TRANSITIONS.sources(status)).update(
        status=status, finished_at=now, error=job.error, updated_at=now
    )
    job.refresh_from_db(fields=["status", "finished_at", "error"])
    return bool(finished)


def fail_items(job: ImportJob, items: list[ImportItem], message: str) -> None:
    """The items still queued fail with `message` (the job stopped before it reached them)."""
    if not items:
        return
    failed = ImportItem.objects.filter(pk__in=[item.pk for item in items], status=ItemStatus.QUEUED).update(
        status=ItemStatus.FAILED, error=message, updated_at=timezone.now()
    )
    ImportJob.objects.filter(pk=job.pk).update(failed=F("failed") + failed)


def publish_progress(job: ImportJob) -> None:
    publish_event(
        job.merchant_id,
        "import.progress",
        {
            "job_id": str(job.pk),
            "status": job.status,
            "requested": job.requested,
            "processed": job.processed,
            "imported": job.imported,
            "progress": job.progress_percent,
        },
    )


def notify_finished(job: ImportJob) -> None:
    level = {JobStatus.SUCCEEDED: Level.SUCCESS, JobStatus.PARTIAL: Level.WARNING}.get(job.status, Level.ERROR)
    notify(
        job.merchant,
        "import.finished",
        title=f"Import finished: {job.imported} of {job.requested} imported",
        body=(
            f"{job.duplicates} already in the catalog, {job.invalid} invalid, {job.not_found} not found, "
            f"{job.plan_limit} over the plan limit, {job.failed} failed."
        ),
        level=level,
        link=reverse("imports:job", args=[job.pk]),
        data={"job_id": str(job.pk)},
    )
