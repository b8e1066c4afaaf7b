"""Orders under load: 300 concurrent creates against a variant with 100 units.

Prints: how many were created and refused, units oversold (must be 0), and the mixed create/refuse
workload's requests per second through the API next to the floor (GET /api/merchant, the cheapest
authenticated call) measured the same way in the same run; goal: at least half the floor's rate.

Both sides run the same way: BENCH_PROCESSES forked processes (default: one per CPU, as the
production server runs one worker per core) with BENCH_WORKERS threads between them, each request
borrowing a connection from the process's pool and giving it back at its end, as the server does.
Then the in-process cost of each kind of request, one at a time in this process (milliseconds of Python
and database per request, medians): the floor, a refusal, a create. BENCH_PROFILE=1 adds cProfile's top
functions for a create and a refusal. Run with `make bench` (PostgreSQL); it uses a throwaway database.
"""

from __future__ import annotations

import os
import statistics

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
    stock_fields,
)

REQUESTS = int(os.environ.get("BENCH_REQUESTS", "300"))
UNITS = int(os.environ.get("BENCH_UNITS", "100"))
WORKERS = int(os.environ.get("BENCH_WORKERS", "16"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "5"))
SAMPLES = int(os.environ.get("BENCH_SAMPLES", "200"))  # requests of each kind for the in-process cost
PROFILE = os.environ.get("BENCH_PROFILE", "") not in ("", "0")
GOAL = 0.5  # x the floor's requests/s

# Set in the parent before the worker processes fork; read by them.
STATE: dict = {}


def main() -> None:
    old_name = start()
    try:
        run()
    finally:
        from nexusone.celery import app

        app.control.purge()  # order notices queued for workers that never ran
        finish(old_name)


def _api():
    """One client per thread, as a server process builds its request handler once (not per request)."""
    clients = STATE["clients"]
    if not hasattr(clients, "api"):
        from rest_framework.test import APIClient

        clients.api = APIClient()
        clients.api.credentials(HTTP_AUTHORIZATION=f"Bearer {STATE['token']}")
    return clients.api


def create(i: int) -> int:
    from django.db import connection

    try:
        body = {**STATE["body"], "reference": f"#B{i}"}
        return _api().post("/api/order-fulfillment", body, format="json").status_code
    finally:
        connection.close()  # back to the pool, as at the end of every request (the test client does not)


def floor(_: int) -> int:
    from django.db import connection

    try:
        return _api().get("/api/merchant").status_code
    finally:
        connection.close()


def run() -> None:
    import threading
    from unittest import mock

    from rest_framework_simplejwt.tokens import RefreshToken

    from inventory.models import Product, Variant
    from nexusone.suppliers.models import SupplierAccount
    from orders.models import Order

    install_fake_supplier()
    merchant, owner = merchant_with_owner()
    SupplierAccount.objects.create(merchant=merchant, supplier="cj", api_key="k", open_id="284517903")
    product = Product.objects.create(merchant=merchant, external_id="P1", name="Bench Box", price="10.00")
    variant = Variant.objects.create(
        merchant=merchant, product=product, external_id="V1", sku="V1", price="10.00", **stock_fields(UNITS)
    )
    STATE.update(
        clients=threading.local(),
        token=str(RefreshToken.for_user(owner).access_token),
        body={
            "action": "create",
            "customer": {"name": "Load Test", "email": "load@example.com"},
            "shipping_address": {"line1": "1 Main St", "city": "Springfield", "country_code": "US"},
            "items": [{"product_id": str(product.pk), "variant_id": str(variant.pk), "quantity": 1}],
        },
    )

    # Submissions to CJ run in workers after commit; here we measure taking the order.
    api_rates, floor_rates, worst_oversold, outcomes = [], [], 0, []
    with (
        mock.patch("orders.tasks.submit_order_task.delay"),
        mock.patch("orders.tasks.email_customer_task.delay"),
        mock.patch("orders.actions.status.publish_event"),
        forked_pool() as processes,
    ):
        for round_number in range(ROUNDS):
            Order.objects.all().delete()
            Variant.objects.filter(pk=variant.pk).update(reserved_quantity=0, **stock_fields(UNITS))
            first = round_number * REQUESTS
            # The floor just before and just after the round's creates: a slow or fast spell of this shared
            # machine weighs on both sides of the round's ratio alike.
            floor_before, floor_statuses = spread(processes, floor, list(range(REQUESTS)), WORKERS)
            sessions_before = database_sessions()
            api_rate, statuses = spread(processes, create, list(range(first, first + REQUESTS)), WORKERS)
            api_sessions = database_sessions() - sessions_before
            floor_after, more_statuses = spread(processes, floor, list(range(REQUESTS)), WORKERS)
            floor_rate = statistics.mean([floor_before, floor_after])
            floor_statuses = floor_statuses + more_statuses
            api_rates.append(api_rate)
            floor_rates.append(floor_rate)
            variant.refresh_from_db()
            oversold = max(variant.reserved_quantity - variant.supplier_stock, 0) + max(
                Order.objects.count() - UNITS, 0
            )
            worst_oversold = max(worst_oversold, oversold)
            outcomes.append((statuses.count(201), statuses.count(409), variant.reserved_quantity, floor_statuses))
        costs = in_process_costs(variant)

    report(api_rates, floor_rates, worst_oversold, outcomes, api_sessions)
    print_costs(costs)


def in_process_costs(variant) -> dict[str, float]:
    """Median milliseconds per request of each kind, one request at a time in this process (after a warm-up)."""
    from inventory.models import Variant
    from orders.models import Order

    Order.objects.all().delete()
    Variant.objects.filter(pk=variant.pk).update(reserved_quantity=0, **stock_fields(10 * SAMPLES + 100))
    # More than the variant ever holds here, and within what the API accepts (a 400 would cost less).
    refused_body = {**STATE["body"], "items": [{**STATE["body"]["items"][0], "quantity": 10 * SAMPLES + 101}]}
    kinds = {
        "floor GET /api/merchant": _expecting(200, floor),
        "refusal (409)": _expecting(409, lambda i: _post({**refused_body, "reference": f"#R{i}"})),
        "create (201)": _expecting(201, lambda i: _post({**STATE["body"], "reference": f"#C{i}"})),
    }
    for job in kinds.values():
        job(-1)  # warm-up: the first of a kind fills caches (quote, settings)
    costs = _median_ms(kinds)
    if PROFILE:
        for name, job in kinds.items():
            _profile(name, job)
    return costs


def _expecting(status: int, job):
    """`job`, failing the benchmark when it answers another status (the figure would be of another request)."""

    def checked(i: int) -> int:
        answered = job(i)
        if answered != status:
            raise SystemExit(f"expected {status}, got {answered}")
        return answered

    return checked


def _post(body: dict) -> int:
    from django.db import connection

    try:
        return _api().post("/api/order-fulfillment", body, format="json").status_code
    finally:
        connection.close()


def _median_ms(kinds: dict) -> dict[str, float]:
    """Kinds take turns, request by request, so a stall of this shared machine hits each alike."""
    import time

    timings: dict[str, list[float]] = {name: [] for name in kinds}
    for i in range(SAMPLES):
        for name, job in kinds.items():
            started = time.perf_counter()
            job(i)
            timings[name].append((time.perf_counter() - started) * 1000)
    return {name: statistics.median(values) for name, values in timings.items()}


def _profile(name: str, job) -> None:
    import cProfile
    import gc
    import pstats
    import time

    paused = []

    def timed(phase: str, info: dict) -> None:
        if phase == "start":
            paused.append(-time.perf_counter())
        else:
            paused[-1] += time.perf_counter()

    gc.callbacks.append(timed)

    profiler = cProfile.Profile()
    profiler.enable()
    for i in range(SAMPLES, SAMPLES + 50):
        job(i)
    profiler.disable()
    gc.callbacks.remove(timed)
    print(f"--- garbage collection: {len(paused)} runs, {sum(paused) * 1000 / 50:.2f} ms per request")
    print(f"--- profile: {name}, 50 requests, by own time")
    pstats.Stats(profiler).sort_stats("tottime").print_stats(25)
    print(f"--- profile: {name}, by cumulative time")
    pstats.Stats(profiler).sort_stats("cumulative").print_stats(60)


def print_costs(costs: dict[str, float]) -> None:
    print(f"in-process cost, one request at a time, median of {SAMPLES}:")
    for name, ms in costs.items():
        print(f"  {name}: {ms:.2f} ms")


def report(api_rates: list, floor_rates: list, worst_oversold: int, outcomes: list, api_sessions: int) -> None:
    api_rate, floor_rate = statistics.median(api_rates), statistics.median(floor_rates)
    print(
        f"requests: {REQUESTS} concurrent creates ({PROCESSES} processes x {max(WORKERS // PROCESSES, 1)} threads) "
        f"for a variant with {UNITS} units, {ROUNDS} rounds"
    )
    for number, (created, refused, reserved, floor_statuses) in enumerate(outcomes, 1):
        print(
            f"round {number}: created {created}, refused 409 insufficient_stock {refused}, "
            f"reserved {reserved} of {UNITS}; floor requests answered 200: {floor_statuses.count(200)}"
        )
    print(f"oversold: {worst_oversold}")
    api_rounds = ", ".join(f"{r:.0f}" for r in api_rates)
    floor_rounds = ", ".join(f"{r:.0f}" for r in floor_rates)
    print(f"API create/refuse: median {api_rate:.0f} requests/s  (rounds: {api_rounds})")
    print(f"floor GET /api/merchant: median {floor_rate:.0f} requests/s  (rounds: {floor_rounds})")
    ratios = sorted(api / floor for api, floor in zip(api_rates, floor_rates, strict=True))
    print(f"ratio: {api_rate / floor_rate:.2f}x (goal >= {GOAL}x); per round {ratios[0]:.2f}-{ratios[-1]:.2f}x")
    print(f"database connections: pooled per process; PostgreSQL saw {api_sessions} new sessions in the last round")
    print(cpu_speed())
    result("orders: oversold", str(worst_oversold), "0", worst_oversold == 0)
    ratio = api_rate / floor_rate
    result("orders: create/refuse req/s / floor req/s", f"{ratio:.2f}x", f">= {GOAL}x", ratio >= GOAL)
    if worst_oversold:
        raise SystemExit("OVERSOLD")


if __name__ == "__main__":
    main()
