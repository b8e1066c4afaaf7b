"""Import sources and statuses, and the table of an import job's allowed status moves."""

from django.db import models

from nexusone.core.transitions import Transitions


class ImportSource(models.TextChoices):
    URL = "url", "Product URLs"
    IDS = "ids", "Product IDs"
    EXTENSION = "extension", "Chrome extension"


class JobStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    SUCCEEDED = "succeeded", "Succeeded"
    PARTIAL = "partial", "Partly imported"
    FAILED = "failed", "Failed"


FINISHED_JOB_STATUSES = frozenset({JobStatus.SUCCEEDED, JobStatus.PARTIAL, JobStatus.FAILED})

# A job whose items were all decided when it started finishes at once; otherwise a worker runs it.
# A finished job never moves again (a redelivered task leaves it as it is).
JOB_TRANSITIONS = Transitions(
    "import job",
    {
        JobStatus.QUEUED: frozenset({JobStatus.RUNNING, *FINISHED_JOB_STATUSES}),
        JobStatus.RUNNING: FINISHED_JOB_STATUSES,
        **{status: frozenset() for status in FINISHED_JOB_STATUSES},
    },
)


class ItemStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    IMPORTED = "imported", "Imported"
    DUPLICATE = "duplicate", "Already in your catalog"
    INVALID = "invalid", "Invalid"
    NOT_FOUND = "not_found", "Not found at CJ"
    PLAN_LIMIT = "plan_limit", "Over the plan's product limit"
    FAILED = "failed", "Failed"
