"""Live events: publish per-merchant changes for pages subscribed to /events/stream.

With REDIS_URL, events go through Redis pub/sub. Without Redis (the SQLite demo), they are rows of
a short-lived database feed (`LiveEvent`) that the stream reads, so the demo's pages are live too.
Publish after the change commits (`transaction.on_commit`), so a page never re-renders before it.
"""

from __future__ import annotations

import json
import logging
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone

from .redis_clients import redis_client

logger = logging.getLogger(__name__)

FEED_KEPT = timedelta(minutes=10)


def channel_for(merchant_id: object) -> str:
    return f"events:merchant:{merchant_id}"


def publish_event(merchant_id: object, kind: str, data: dict[str, Any] | None = None) -> None:
    """Tell the merchant's open pages that `kind` (e.g. "sync.progress") changed. Never raises."""
    try:
        if settings.REDIS_URL:
            message = json.dumps({"kind": kind, "data": data or {}}, cls=DjangoJSONEncoder)
            redis_client(settings.REDIS_URL).publish(channel_for(merchant_id), message)
        else:
            from .models import LiveEvent
            from .tenancy import merchant_id_context

            data = json.loads(json.dumps(data or {}, cls=DjangoJSONEncoder))
            with merchant_id_context(merchant_id):  # the row is that merchant's, whoever announces it
                LiveEvent.objects.create(merchant_id=merchant_id, kind=kind, data=data)
    except Exception:
        logger.warning("Could not publish live event %s", kind, exc_info=True)


def prune_feed() -> int:
    """Drop feed rows no open stream still needs (streams end within minutes)."""
    from .models import LiveEvent

    return LiveEvent.objects.filter(created_at__lt=timezone.now() - FEED_KEPT).delete()[0]
