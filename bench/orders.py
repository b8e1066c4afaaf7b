"""Orders under load: 300 concurrent creates against a variant with 100 units.

Prints: how many were created and refused, units oversold (must be 0), and create requests per
second through the API next to a bare conditional-UPDATE loop measured in the same run.

Both sides run the same way: BENCH_PROCESSES forked processes (default: one per CPU, as an app
server runs one worker per core) with BENCH_WORKERS threads between them, and a new database
connection for every request/update (BENCH_PERSISTENT=1 keeps one per thread on both sides).
Run with `make bench` (PostgreSQL); it uses a throwaway database.
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
    spread,
    start,
)

REQUESTS = int(os.environ.get("BENCH_REQUESTS", "300"))
UNITS = int(os.environ.get("BENCH_UNITS", "100"))
WORKERS = int(os.environ.get("BENCH_WORKERS", "16"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))
PERSISTENT = os.environ.get("BENCH_PERSISTENT") == "1"

# Set in the parent before the worker processes fork; read by them.
STATE: dict = {}


def main() -> None:
    old_name = start()
    try:
        run()
    finally:
        finish(old_name)


def create(i: int) -> int:
    from django.db import connection

    clients = STATE["clients"]
    # One client per thread, as a server process builds its request handler once (not per request).
    if not hasattr(clients, "api"):
        from rest_framework.test import APIClient

        clients.api = APIClient()
        clients.api.credentials(HTTP_AUTHORIZATION=f"Bearer {STATE['token']}")
    try:
        body = {**STATE["body"], "reference": f"#B{i}"}
        return clients.api.post("/api/order-fulfillment", body, format="json").status_code
    finally:
        if not PERSISTENT:
            connection.close()


def conditional_update(_: int) -> int:
    from django.db import connection
    from django.db.models import F

    from inventory.models import Variant

    try:
        return Variant.objects.filter(pk=STATE["bare_pk"], stock_quantity__gte=1).update(
            reserved_quantity=F("reserved_quantity") + 1, stock_quantity=F("stock_quantity") - 1
        )
    finally:
        if not PERSISTENT:
            connection.close()


def run() -> None:
    import threading
    from unittest import mock

    from django.core.cache import cache
    from rest_framework.throttling import UserRateThrottle
    from rest_framework_simplejwt.tokens import RefreshToken

    from inventory.models import Product, Variant
    from nexusone.suppliers.models import SupplierAccount
    from orders.models import Order

    install_fake_supplier()
    merchant, owner = merchant_with_owner()
    SupplierAccount.objects.create(merchant=merchant, supplier="cj", api_key="k", open_id="284517903")
    product = Product.objects.create(merchant=merchant, external_id="P1", name="Bench Box", price="10.00")
    units = {"supplier_stock": UNITS, "stock_quantity": UNITS}
    variant = Variant.objects.create(
        merchant=merchant, product=product, external_id="V1", sku="V1", price="10.00", **units
    )
    bare = Variant.objects.create(
        merchant=merchant, product=product, external_id="V2", sku="V2", price="10.00", **units
    )
    # The bench user's rate-limit window may still hold an earlier run's requests (same user id, same Redis).
    cache.delete(UserRateThrottle().cache_format % {"scope": "user", "ident": owner.pk})
    STATE.update(
        clients=threading.local(),
        token=str(RefreshToken.for_user(owner).access_token),
        bare_pk=bare.pk,
        body={
            "action": "create",
            "customer": {"name": "Load Test", "email": "load@example.com"},
            "shipping_address": {"line1": "1 Main St", "city": "Springfield", "country_code": "US"},
            "items": [{"product_id": str(product.pk), "variant_id": str(variant.pk), "quantity": 1}],
        },
    )

    # Submissions to CJ run in workers after commit; here we measure taking the order.
    api_rates, bare_rates, worst_oversold, outcomes = [], [], 0, []
    with (
        mock.patch("orders.tasks.submit_order_task.delay"),
        mock.patch("orders.tasks.email_customer_task.delay"),
        mock.patch("orders.actions.status.publish_event"),
        forked_pool() as processes,
    ):
        for round_number in range(ROUNDS):
            Order.objects.all().delete()
            Variant.objects.filter(pk__in=[variant.pk, bare.pk]).update(reserved_quantity=0, stock_quantity=UNITS)
            first = round_number * REQUESTS
            sessions_before = database_sessions()
            api_rate, statuses = spread(processes, create, list(range(first, first + REQUESTS)), WORKERS)
            api_sessions = database_sessions() - sessions_before
            bare_rate, updated = spread(processes, conditional_update, list(range(REQUESTS)), WORKERS)
            api_rates.append(api_rate)
            bare_rates.append(bare_rate)
            variant.refresh_from_db()
            oversold = max(variant.reserved_quantity - variant.supplier_stock, 0) + max(
                Order.objects.count() - UNITS, 0
            )
            worst_oversold = max(worst_oversold, oversold)
            outcomes.append((statuses.count(201), statuses.count(409), variant.reserved_quantity, sum(updated)))

    api_rate, bare_rate = statistics.median(api_rates), statistics.median(bare_rates)
    print(
        f"requests: {REQUESTS} concurrent creates ({PROCESSES} processes x {max(WORKERS // PROCESSES, 1)} threads) "
        f"for a variant with {UNITS} units, {ROUNDS} rounds"
    )
    for number, (created, refused, reserved, bare_ok) in enumerate(outcomes, 1):
        print(
            f"round {number}: created {created}, refused 409 insufficient_stock {refused}, "
            f"reserved {reserved} of {UNITS}; bare updates that succeeded {bare_ok}"
        )
    print(f"oversold: {worst_oversold}")
    api_rounds = ", ".join(f"{r:.0f}" for r in api_rates)
    bare_rounds = ", ".join(f"{r:.0f}" for r in bare_rates)
    print(f"API create: median {api_rate:.0f} requests/s  (rounds: {api_rounds})")
    print(f"bare conditional UPDATE: median {bare_rate:.0f} updates/s  (rounds: {bare_rounds})")
    print(f"ratio: {api_rate / bare_rate:.2f}x (goal >= 0.3x)")
    regime = "keep one per thread" if PERSISTENT else "open a new one for every request/update and close it after"
    print(f"database connections: both sides {regime}; the API side opened {api_sessions} in the last round")
    print(cpu_speed())
    if worst_oversold:
        raise SystemExit("OVERSOLD")


if __name__ == "__main__":
    main()
