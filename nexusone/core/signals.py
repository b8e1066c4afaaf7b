"""Beat liveness: when beat publishes the heartbeat task it records the time."""

from celery.signals import before_task_publish
from django.core.cache import cache
from django.utils import timezone

from .tasks import BEAT_HEARTBEAT_KEY, HEARTBEAT_TASK


@before_task_publish.connect
def _record_beat_publish(sender: str | None = None, **kwargs) -> None:
    if sender == HEARTBEAT_TASK:
        cache.set(BEAT_HEARTBEAT_KEY, timezone.now().timestamp(), timeout=3600)
