"""The Celery app: `celery -A nexusone worker` and `celery -A nexusone beat`."""

import os

from celery import Celery
from celery.signals import beat_init, setup_logging

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nexusone.settings")

app = Celery("nexusone")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@setup_logging.connect
def use_django_logging(**kwargs) -> None:
    """Worker and beat log through settings.LOGGING, like the web process, instead of Celery's own
    setup (which would drop its filters: redaction, quiet housekeeping). LOG_LEVEL sets the level."""
    from logging.config import dictConfig

    from django.conf import settings

    dictConfig(settings.LOGGING)


@beat_init.connect
def run_beat_once(sender, **kwargs) -> None:
    """Beat exactly once per database: take the lock before the first tick, or exit (nexusone.core.beat_lock)."""
    from django.conf import settings

    from nexusone.core.beat_lock import hold_beat_lock, lock_key

    hold_beat_lock(sender, redis_url=settings.REDIS_URL, key=lock_key(settings.DATABASES["default"]["NAME"]))
