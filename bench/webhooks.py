"""CJ webhooks under load: 5,000 signed messages, 20% of them replays, through POST /api/webhooks/cj.

Prints messages per second through the receiver (verify, store once, queue) and through processing,
and checks that every distinct message was applied exactly once. The receiver runs in one forked
process per CPU, each request borrowing a pooled connection and giving it back at its end, as the
server does. Goal: >= 500 messages/s stored. Uses a throwaway database.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import random
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

from _setup import (
    PROCESSES,
    cpu_speed,
    database_sessions,
    finish,
    forked_pool,
    install_fake_supplier,
    merchant_with_owner,
    result,
    spread,
    start,
)

MESSAGES = int(os.environ.get("BENCH_MESSAGES", "5000"))
DUPLICATE_SHARE = 0.20
ORDERS = 100
WORKERS = int(os.environ.get("BENCH_WORKERS", "8"))
GOAL = 500  # messages/s through the receiver


# Set in the parent before the worker processes fork; read by them.
STATE: dict = {}


def main() -> None:
    old_name = start()
    try:
        run()
    finally:
        finish(old_name)


def _messages(references: list[str]) -> list[dict]:
    unique = int(MESSAGES * (1 - DUPLICATE_SHARE))
    base = datetime(2026, 10, 1, tzinfo=UTC)
    messages = []
    for i in range(unique):
        event_time = (base + timedelta(minutes=i)).strftime("%Y-%m-%d %H:%M:%S")
        reference = references[i % len(references)]
        event = {
            "status": 5,
            "statusDesc": "In transit",
            "activity": f"Scan {i}",
            "location": "Hub",
            "eventTime": event_time,
        }
        messages.append(
            {
                "messageId": f"bench-{i:06d}",
                "type": "LOGISTIC",
                "messageType": "UPDATE",
                "openId": 284517903,
                "params": {
                    "orderId": "",
                    "storeOrderNumbers": [reference],
                    "logisticName": "USPS+",
                    "trackingNumber": f"TRK{reference[1:]}",
                    "trackingProvider": "USPS",
                    "trackingStatus": 5,
                    "logisticsTrackEvents": json.dumps([event]),
                },
            }
        )
    rng = random.Random(7)
    stream = messages + [rng.choice(messages) for _ in range(MESSAGES - unique)]
    rng.shuffle(stream)
    return stream


def deliver(item: tuple[bytes, str]) -> int:
    """POST one message; returns the answer's status."""
    from django.db import connection
    from django.test import Client

    raw, sign = item
    clients = STATE["clients"]
    # One client per thread, as a server process builds its request handler once (not per request).
    if not hasattr(clients, "web"):
        clients.web = Client()
    response = clients.web.post("/api/webhooks/cj", data=raw, content_type="application/json", headers={"sign": sign})
    connection.close()  # back to the pool, as the server does at the end of each request (the test client does not)
    return response.status_code


def run() -> None:
    from django.db import connection

    from nexusone.celery import app
    from nexusone.suppliers.models import SupplierAccount, WebhookMessage
    from nexusone.suppliers.tasks import drain_webhooks
    from orders.models import Order, TrackingEvent

    fake = install_fake_supplier()
    merchant, _ = merchant_with_owner()
    SupplierAccount.objects.create(merchant=merchant, supplier="cj", api_key="k", open_id=fake.webhook_key)
    references = []
    for i in range(ORDERS):
        order = Order.objects.create(
            merchant=merchant,
            reference=f"#{i:04d}",
            customer_name="Bench",
            customer_email="bench@example.com",
            status="confirmed",
            external_order_id=f"CJ{i:04d}",
        )
        references.append(order.reference)

    bodies = []
    for message in _messages(references):
        raw = json.dumps(message).encode()
        sign = base64.b64encode(hmac.new(fake.webhook_key.encode(), raw, hashlib.sha256).digest()).decode()
        bodies.append((raw, sign))
    unique_ids = {json.loads(raw)["messageId"] for raw, _ in bodies}

    STATE.update(clients=threading.local())
    barrier = threading.Barrier(WORKERS)

    def close_connection(_: int) -> None:
        barrier.wait()  # one call per pool thread
        connection.close()

    app.control.purge()
    sessions_before = database_sessions()
    with forked_pool() as processes:
        receive_rate, statuses = spread(processes, deliver, bodies, WORKERS)
    receiver_connections = database_sessions() - sessions_before
    # The receiver queued inbox drains on the broker; here the same work runs in WORKERS threads.
    purged = app.control.purge()
    stored_ids = list(WebhookMessage.objects.values_list("pk", flat=True))

    with ThreadPoolExecutor(WORKERS) as pool:
        started = time.perf_counter()
        list(pool.map(lambda _: drain_webhooks.run(), range(WORKERS)))  # as the worker runs it (its tenancy)
        process_seconds = time.perf_counter() - started
        list(pool.map(close_connection, range(WORKERS)))

    stored = WebhookMessage.objects.count()
    processed = WebhookMessage.objects.filter(state="processed").count()
    events = TrackingEvent.objects.count()
    replays = len(bodies) - len(unique_ids)
    print(
        f"messages: {len(bodies)} ({len(unique_ids)} distinct, {replays} replays), "
        f"{PROCESSES} processes x {max(WORKERS // PROCESSES, 1)} threads"
    )
    print(f"answers: {statuses.count(200)} x 200, {len(bodies) - statuses.count(200)} other")
    print(f"receiver: {receive_rate:.0f} messages/s ({len(bodies) / receive_rate:.2f} s; goal >= {GOAL})")
    print(f"processing: {len(stored_ids) / process_seconds:.0f} messages/s ({process_seconds:.2f} s)")
    print(f"stored once: {stored} of {len(unique_ids)}; processed: {processed}; tracking events: {events}")
    print(f"inbox drains the receiver queued on the broker: {purged}")
    print(f"database connections opened by the receiver: {receiver_connections} for {len(bodies)} messages (pooled)")
    exactly_once = stored == processed == events == len(unique_ids)
    print(f"each applied exactly once: {'yes' if exactly_once else 'NO'}")
    print(cpu_speed())
    result("webhooks: receiver messages/s", f"{receive_rate:.0f}", f">= {GOAL}", receive_rate >= GOAL)
    result("webhooks: each applied exactly once", "yes" if exactly_once else "no", "yes", exactly_once)
    if not exactly_once:
        raise SystemExit("NOT EXACTLY ONCE")


if __name__ == "__main__":
    main()
