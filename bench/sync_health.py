"""The sync health panel at scale: one store's panel (dashboard home) and the staff view of every store.

A store with 10,000 products among STORES stores of 1,000 products each (freshness rows spread over
three days, a few sync runs and CJ messages per store) and 1,000 sync tasks waiting in a Redis queue of
the benchmark's own. Prints the time and the SQL queries of `sync_health` (one store) and `sync_health_for`
(every store), each over several rounds (this machine is shared: the range matters more than one figure).
Uses a throwaway database.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/nexusone CELERY_BROKER_URL=redis://127.0.0.1:6379/5 \\
        python bench/sync_health.py
"""

from __future__ import annotations

import os
import random
import statistics
import time
import uuid
from datetime import timedelta

from _setup import cpu_speed, finish, result, start

STORES = int(os.environ.get("BENCH_STORES", "100"))
PRODUCTS = int(os.environ.get("BENCH_PRODUCTS", "1000"))
TARGET_PRODUCTS = 10_000
WAITING = 1_000
ROUNDS = 7
GOAL_ONE_MS = 100  # the dashboard panel
GOAL_ALL_MS = 3_000  # the staff view of every store
GOAL_QUERIES = 8


def seed_store(merchant, products: int, now) -> None:
    from inventory.choices import SyncStatus
    from inventory.models import Product, ProductFreshness, SyncRun
    from nexusone.suppliers.models import SupplierAccount, WebhookMessage

    SupplierAccount.objects.create(merchant=merchant, supplier="cj", api_key=f"key-{merchant.pk}")
    rows = Product.objects.bulk_create(
        [Product(merchant=merchant, external_id=f"{merchant.pk.hex[:8]}-{n}", name=f"P{n}") for n in range(products)],
        batch_size=5000,
    )
    ProductFreshness.objects.bulk_create(
        [
            ProductFreshness(
                product=p,
                merchant=merchant,
                stock_read_at=now - timedelta(minutes=random.randint(0, 3 * 1440)) if random.random() < 0.95 else None,
                subscribed_at=now if random.random() < 0.8 else None,
            )
            for p in rows
        ],
        batch_size=5000,
    )
    for hours in (3, 2, 1):
        SyncRun.objects.create(
            merchant=merchant,
            status=random.choice([SyncStatus.SUCCEEDED, SyncStatus.PARTIAL, SyncStatus.FAILED]),
            total=products,
            processed=products,
            finished_at=now - timedelta(hours=hours),
        )
    WebhookMessage.objects.bulk_create(
        [WebhookMessage(merchant=merchant, message_id=uuid.uuid4().hex, topic="stock") for _ in range(50)]
    )


def timed(call, rounds: int = ROUNDS) -> tuple[list[float], int]:
    """Milliseconds of each round and the queries of the last one."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    times = []
    for _ in range(rounds):
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            call()
            times.append((time.perf_counter() - started) * 1000)
    return times, len(queries.captured_queries)


def fill_queue(merchants) -> str:
    from nexusone.celery import app

    queue = f"bench-sync-health-{uuid.uuid4().hex[:8]}"
    for n in range(WAITING):
        app.send_task("inventory.scheduled_sync", args=[str(merchants[n % len(merchants)].pk)], queue=queue)
    app.conf.task_default_queue = queue
    return queue


def main() -> None:
    old_name = start()
    queue = ""
    try:
        from django.conf import settings
        from django.utils import timezone

        from inventory.actions import sync_health, sync_health_for
        from nexusone.accounts.models import Merchant

        print(cpu_speed())
        now = timezone.now()
        started = time.perf_counter()
        target = Merchant.objects.create(name="Bench target", plan="premium")
        seed_store(target, TARGET_PRODUCTS, now)
        for n in range(STORES - 1):
            seed_store(Merchant.objects.create(name=f"Bench store {n:03d}", plan="pro"), PRODUCTS, now)
        merchants = list(Merchant.objects.order_by("name"))
        total = TARGET_PRODUCTS + (STORES - 1) * PRODUCTS
        print(f"seed: {len(merchants)} stores, {total:,} products in {time.perf_counter() - started:.0f} s")
        calm, _ = timed(lambda: sync_health(target))
        print(f"one store ({TARGET_PRODUCTS:,} products), nothing waiting: {fmt(calm)}")
        redis_broker = settings.CELERY_BROKER_URL.startswith("redis")
        if redis_broker:
            queue = fill_queue(merchants)
        print(
            f"queue: {WAITING if redis_broker else 0} sync tasks waiting ({settings.CELERY_BROKER_URL.split(':')[0]})"
        )

        one, one_queries = timed(lambda: sync_health(target))
        panel = sync_health(target)
        print(f"one store ({TARGET_PRODUCTS:,} products), {WAITING:,} waiting: {fmt(one)}, {one_queries} queries")
        print(f"  freshness {panel.freshness}; waiting {panel.queue.waiting}, oldest {panel.queue.seconds} s")
        if os.environ.get("BENCH_PROFILE"):
            profile(target)
        every, all_queries = timed(lambda: sync_health_for(merchants), rounds=3)
        print(f"every store ({len(merchants)} stores, {total:,} products): {fmt(every)}, {all_queries} queries")

        result(
            "one store's panel, median ms",
            f"{statistics.median(one):.0f}",
            f"<= {GOAL_ONE_MS}",
            statistics.median(one) <= GOAL_ONE_MS,
        )
        result("one store's panel, queries", str(one_queries), f"<= {GOAL_QUERIES}", one_queries <= GOAL_QUERIES)
        result(
            f"staff view of {len(merchants)} stores, median ms",
            f"{statistics.median(every):.0f}",
            f"<= {GOAL_ALL_MS}",
            statistics.median(every) <= GOAL_ALL_MS,
        )
        result("staff view, queries", str(all_queries), f"<= {GOAL_QUERIES}", all_queries <= GOAL_QUERIES)
    finally:
        if queue:
            import redis
            from django.conf import settings

            redis.Redis.from_url(settings.CELERY_BROKER_URL).delete(queue)
        finish(old_name)


def profile(target) -> None:
    """Where one store's panel spends its time (BENCH_PROFILE=1)."""
    from django.utils import timezone

    from inventory.actions.health import collect

    now, ids = timezone.now(), [target.pk]
    for name, call in (
        ("latest runs and messages", lambda: collect._latest_runs_and_messages(ids)),
        ("freshness aggregate", lambda: collect._freshness_counts(ids, now)),
        ("schedules", lambda: collect._schedules([target])),
        ("accounts", lambda: collect._accounts(ids)),
        ("queue lags", lambda: collect._queue_lags(ids, now)),
        ("circuit", collect._circuit_state),
    ):
        times, _ = timed(call)
        print(f"  {name}: {fmt(times)}")


def fmt(times: list[float]) -> str:
    return f"median {statistics.median(times):.1f} ms (range {min(times):.1f}–{max(times):.1f})"


if __name__ == "__main__":
    main()
