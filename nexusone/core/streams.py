"""Server-Sent Events: `/events/stream` relays the merchant's live events to open pages.

Each message names its kind (`sync.progress`, `order.status`, ...); static/js/app.js
turns it into an htmx trigger `nx:<kind>` on <body>, so a partial declares
`hx-trigger="nx:sync.progress from:body"` and re-renders itself. Without Redis
(the SQLite demo) the stream answers 204 and pages keep polling.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator

from django.conf import settings
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse

from .events import channel_for

HEARTBEAT_SECONDS = 15


def format_sse(kind: str, data: dict) -> str:
    return f"event: {kind}\ndata: {json.dumps(data, default=str)}\n\n"


async def stream_messages(merchant_id: object, *, max_seconds: float | None = None) -> AsyncIterator[str]:
    """Relay the merchant's events for a bounded time (browsers reconnect on their own)."""
    import redis.asyncio as aioredis

    if max_seconds is None:
        max_seconds = settings.EVENT_STREAM_MAX_SECONDS
    client = aioredis.Redis.from_url(settings.REDIS_URL)
    pubsub = client.pubsub()
    await pubsub.subscribe(channel_for(merchant_id))
    deadline = time.monotonic() + max_seconds
    last_beat = time.monotonic()
    try:
        yield ": connected\n\n"
        while time.monotonic() < deadline:
            message = await pubsub.get_message(ignore_subscribe_messages=True, timeout=1.0)
            if message is not None:
                payload = json.loads(message["data"])
                yield format_sse(payload["kind"], payload.get("data", {}))
            elif time.monotonic() - last_beat >= HEARTBEAT_SECONDS:
                last_beat = time.monotonic()
                yield ": heartbeat\n\n"
            else:
                await asyncio.sleep(0)
    finally:
        await pubsub.unsubscribe()
        await pubsub.aclose()
        await client.aclose()


async def event_stream(request: HttpRequest) -> HttpResponse:
    user = await request.auser()
    if not user.is_authenticated:
        return HttpResponse(status=401)
    merchant = getattr(request, "merchant", None)
    if merchant is None:
        return HttpResponse(status=403)
    if not settings.REDIS_URL:
        return HttpResponse(status=204)  # no pub/sub: the page polls instead
    response = StreamingHttpResponse(stream_messages(merchant.pk), content_type="text/event-stream")
    response["Cache-Control"] = "no-cache"
    response["X-Accel-Buffering"] = "no"
    return response
