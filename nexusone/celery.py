"""The Celery app: `celery -A nexusone worker` and `celery -A nexusone beat`."""

import os

from celery import Celery
from celery.signals import setup_logging

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
