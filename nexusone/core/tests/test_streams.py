import asyncio
import threading
import time
from contextlib import aclosing

import pytest
from django.db import connections
from django.urls import reverse

from nexusone.core.events import prune_feed, publish_event
from nexusone.core.models import LiveEvent
from nexusone.core.streams import _take_slot, stream_messages


def test_stream_relays_events_published_for_the_merchant_only():
    received: list[str] = []

    async def consume():
        async for chunk in stream_messages("m-1", max_seconds=3):
            received.append(chunk)
            if "sync.progress" in chunk:
                break

    def publish_soon():
        time.sleep(0.5)
        publish_event("m-2", "order.status", {"id": "other"})
        publish_event("m-1", "sync.progress", {"processed": 3})

    threading.Thread(target=publish_soon).start()
    # A thread of its own: a browser test may have left an event loop running in this one.
    consumer = threading.Thread(target=lambda: asyncio.run(consume()))
    consumer.start()
    consumer.join(timeout=10)
    body = "".join(received)
    assert 'event: sync.progress\ndata: {"processed": 3}' in body
    assert "other" not in body


@pytest.mark.django_db
def test_stream_requires_login(client):
    assert client.get(reverse("event_stream")).status_code == 401


def _consume_until(merchant_id, kind: str, received: list[str]) -> threading.Thread:
    """Read the stream on a thread of its own (a browser test may have left an event loop in this one)."""

    async def consume():
        async with aclosing(stream_messages(merchant_id, max_seconds=8)) as chunks:
            async for chunk in chunks:
                received.append(chunk)
                if kind in chunk:
                    break

    consumer = threading.Thread(target=lambda: asyncio.run(consume()))
    consumer.start()
    return consumer


@pytest.mark.django_db(transaction=True)
def test_without_redis_the_stream_relays_what_a_worker_publishes_through_the_database_feed(
    settings, merchant, other_merchant
):
    settings.REDIS_URL = ""
    publish_event(merchant.pk, "stock.changed", {"product_ids": ["before"]})  # before the page: not replayed
    received: list[str] = []
    consumer = _consume_until(merchant.pk, "notification", received)

    def worker():
        time.sleep(1.5)
        publish_event(other_merchant.pk, "notification", {"title": "theirs"})
        publish_event(merchant.pk, "stock.changed", {"product_ids": ["p-1"]})
        publish_event(merchant.pk, "notification", {"title": "Out of stock: Desk Lamp"})
        connections.close_all()

    threading.Thread(target=worker).start()
    consumer.join(timeout=15)
    body = "".join(received)
    assert 'event: stock.changed\ndata: {"product_ids": ["p-1"]}' in body
    assert 'event: notification\ndata: {"title": "Out of stock: Desk Lamp"}' in body
    assert "before" not in body
    assert "theirs" not in body


@pytest.mark.django_db
def test_the_database_feed_keeps_events_for_minutes_only(settings, merchant, time_machine):
    settings.REDIS_URL = ""
    time_machine.move_to("2026-12-01 10:00:00Z")
    publish_event(merchant.pk, "stock.changed", {"product_ids": ["old"]})
    time_machine.move_to("2026-12-01 10:20:00Z")
    publish_event(merchant.pk, "stock.changed", {"product_ids": ["new"]})

    assert prune_feed() == 1
    assert [row.data for row in LiveEvent.objects.all()] == [{"product_ids": ["new"]}]


@pytest.mark.django_db
def test_a_user_past_the_cap_of_open_streams_gets_no_stream_and_polls(owner_client, owner, settings):
    settings.EVENT_STREAM_MAX_PER_USER = 2
    assert _take_slot(owner.pk)
    assert _take_slot(owner.pk)

    response = owner_client.get(reverse("event_stream"))

    assert response.status_code == 204
    assert not response.streaming
    assert response["Retry-After"] == str(settings.EVENT_STREAM_MAX_SECONDS)


def test_publishing_events_reuses_one_redis_connection(monkeypatch):
    from redis.connection import Connection

    publish_event("m-3", "order.status", {"id": "warm-up"})
    opened = []
    real_connect = Connection._connect
    monkeypatch.setattr(Connection, "_connect", lambda self: opened.append(self) or real_connect(self))

    for number in range(5):
        publish_event("m-3", "order.status", {"id": str(number)})

    assert opened == []  # a client per event connected five times
