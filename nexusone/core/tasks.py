from celery import shared_task
from django.core.cache import cache
from django.utils import timezone

from nexusone.core.tenancy import runs_for_nobody

WORKER_HEARTBEAT_KEY = "health:worker-heartbeat"
BEAT_HEARTBEAT_KEY = "health:beat-heartbeat"
HEARTBEAT_TASK = "nexusone.core.tasks.heartbeat"


@shared_task(name=HEARTBEAT_TASK, ignore_result=True)
@runs_for_nobody()
def heartbeat() -> None:
    """Sent by beat every 30 s; a worker running it proves both are alive."""
    cache.set(WORKER_HEARTBEAT_KEY, timezone.now().timestamp(), timeout=3600)
