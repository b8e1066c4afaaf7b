import asyncio
import threading
import time

import pytest
from django.urls import reverse

from nexusone.core.events import publish_event
from nexusone.core.streams import stream_messages


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


@pytest.mark.django_db
def test_stream_answers_204_without_redis(owner_client, settings):
    settings.REDIS_URL = ""
    assert owner_client.get(reverse("event_stream")).status_code == 204
