"""Live events: publish per-merchant changes for pages subscribed to /events/stream.

Publishing goes through Redis pub/sub when REDIS_URL is set; without Redis (the
SQLite demo) pages fall back to polling the same partials, so publishing is a no-op.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from django.conf import settings

logger = logging.getLogger(__name__)


def channel_for(merchant_id: object) -> str:
    return f"events:merchant:{merchant_id}"


def _redis():
    import redis

    return redis.Redis.from_url(settings.REDIS_URL)


def publish_event(merchant_id: object, kind: str, data: dict[str, Any] | None = None) -> None:
    """Tell the merchant's open pages that `kind` (e.g. "sync.progress") changed. Never raises."""
    if not settings.REDIS_URL:
        return
    message = json.dumps({"kind": kind, "data": data or {}}, default=str)
    try:
        _redis().publish(channel_for(merchant_id), message)
    except Exception:
        logger.warning("Could not publish live event %s", kind, exc_info=True)
