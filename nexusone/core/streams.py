"""Server-Sent Events: `/events/stream` relays the merchant's live events to open pages.

Each message names its kind (`sync.progress`, `stock.changed`, `notification`, ...); static/js/app.js
turns it into an htmx trigger `nx:<kind>` on <body>, so a partial declares
`hx-trigger="nx:sync.progress from:body"` and re-renders itself. With Redis the stream listens to
pub/sub; without it, it reads the database feed (`LiveEvent`) once a second. A stream ends after
EVENT_STREAM_MAX_SECONDS (the browser reconnects) and a user may hold EVENT_STREAM_MAX_PER_USER at
once; past that the answer is 204 (no stream) and the page polls its partials instead.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator
from contextlib import aclosing, suppress

from asgiref.sync import sync_to_async
from django.conf import settings
from django.core.cache import cache
from django.db import close_old_connections
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse

from .events import channel_for

HEARTBEAT_SECONDS = 15
FEED_POLL_SECONDS = 1.0


def format_sse(kind: str, data: dict) -> str:
    return f"event: {kind}\ndata: {json.dumps(data, default=str)}\n\n"


async def stream_messages(merchant_id: object, *, max_seconds: float | None = None) -> AsyncIterator[str]:
    """Relay the merchant's events for a bounded time (browsers reconnect on their own)."""
    if max_seconds is None:
        max_seconds = settings.EVENT_STREAM_MAX_SECONDS
    source = _redis_messages if settings.REDIS_URL else _feed_messages
    deadline = time.monotonic() + max_seconds
    last_beat = time.monotonic()
    yield ": connected\n\n"
    async with aclosing(source(merchant_id, deadline)) as payloads:  # closed here, not by the loop's finalizer
        async for payload in payloads:
            if payload is not None:
                yield format_sse(payload["kind"], payload.get("data", {}))
            elif time.monotonic() - last_beat >= HEARTBEAT_SECONDS:
                last_beat = time.monotonic()
                yield ": heartbeat\n\n"


async def _redis_messages(merchant_id: object, deadline: float) -> AsyncIterator[dict | None]:
    """Pub/sub messages until the deadline; None now and then so the caller can send heartbeats."""
    import redis.asyncio as aioredis

    client = aioredis.Redis.from_url(settings.REDIS_URL)
    pubsub = client.pubsub()
    await pubsub.subscribe(channel_for(merchant_id))
    try:
        while time.monotonic() < deadline:
            message = await pubsub.get_message(ignore_subscribe_messages=True, timeout=1.0)
            yield json.loads(message["data"]) if message is not None else None
            await asyncio.sleep(0)
    finally:
        await pubsub.unsubscribe()
        await pubsub.aclose()
        await client.aclose()


def _feed_after(merchant_id: object, last_id: int | None) -> list[dict]:
    from .tenancy import merchant_id_context

    # A streaming body is read after the middleware's context ended: the stream's merchant, explicitly.
    with merchant_id_context(merchant_id):
        return _read_feed(merchant_id, last_id)


def _read_feed(merchant_id: object, last_id: int | None) -> list[dict]:
    from .models import LiveEvent

    rows = LiveEvent.objects.filter(merchant_id=merchant_id)
    try:
        if last_id is None:  # start from now: what happened before the page loaded is in the page already
            newest = rows.order_by("-id").values_list("id", flat=True).first()
            return [{"id": newest or 0}]
        return list(rows.filter(id__gt=last_id).order_by("id").values("id", "kind", "data")[:100])
    finally:
        close_old_connections()  # a worker thread, not a request's: nobody else closes its connection


async def _feed_messages(merchant_id: object, deadline: float) -> AsyncIterator[dict | None]:
    """The database feed's new rows, read once a second until the deadline."""
    read = sync_to_async(_feed_after, thread_sensitive=False)
    last_id = (await read(merchant_id, None))[0]["id"]
    while time.monotonic() < deadline:
        rows = await read(merchant_id, last_id)
        for row in rows:
            last_id = row["id"]
            yield row
        yield None
        await asyncio.sleep(FEED_POLL_SECONDS)


def _slot_key(user_id: object) -> str:
    return f"events:streams:user:{user_id}"


def _take_slot(user_id: object) -> bool:
    """Count the user's open streams (the counter expires with the longest stream, should a close be lost)."""
    key = _slot_key(user_id)
    cache.add(key, 0, timeout=settings.EVENT_STREAM_MAX_SECONDS + 60)
    if cache.incr(key) > settings.EVENT_STREAM_MAX_PER_USER:
        cache.decr(key)
        return False
    return True


def _release_slot(user_id: object) -> None:
    with suppress(ValueError):  # expired meanwhile
        cache.decr(_slot_key(user_id))


async def _bounded(user_id: object, messages: AsyncIterator[str]) -> AsyncIterator[str]:
    try:
        async with aclosing(messages):
            async for message in messages:
                yield message
    finally:
        await sync_to_async(_release_slot)(user_id)


async def event_stream(request: HttpRequest) -> HttpResponse:
    user = await request.auser()
    if not user.is_authenticated:
        return HttpResponse(status=401)
    merchant = getattr(request, "merchant", None)
    if merchant is None:
        return HttpResponse(status=403)
    if not await sync_to_async(_take_slot)(user.pk):
        # 204 tells EventSource not to reconnect, without an error in the console; the page polls instead.
        response = HttpResponse(status=204)
        response["Retry-After"] = str(settings.EVENT_STREAM_MAX_SECONDS)
        return response
    response = StreamingHttpResponse(_bounded(user.pk, stream_messages(merchant.pk)), content_type="text/event-stream")
    response["Cache-Control"] = "no-cache"
    response["X-Accel-Buffering"] = "no"
    return response
