"""The Celery app: `celery -A nexusone worker` and `celery -A nexusone beat`."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nexusone.settings")

app = Celery("nexusone")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
