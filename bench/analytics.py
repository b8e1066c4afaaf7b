"""Analytics at scale: GET /api/analytics/summary for 90 days, 100,000 orders and 10,000 products vs 1,000 orders.

Seeds a year of rollups in bulk (the rows the order flow would have written) for a big store (100,000 orders,
10,000 products, end-of-day stock for every product over the last 90 days), a small store (1,000 orders, the
same catalog size) and a third store with its own data; plus a sample of real orders recorded through
`record_order`, so the rollups also hold rows the app wrote itself. Then times the summary over the last 90
days for both stores and prints p50/p95 and the ratio (goal: p95 ratio ≤ 1.5: rollups, not scans).

The summary is cached under the store's rollup version (analytics.actions.versions), so the timed calls read
it again as a page does between two changes; each store also gets BENCH_COLD_CALLS calls right after a change
(its version moved), which compute it from the rollups: those still grow with the store's sales.

Run with `make bench` or `DATABASE_URL=postgres://... .venv/bin/python bench/analytics.py` (a throwaway DB).
"""

from __future__ import annotations

import os
import random
import statistics
import time
from datetime import timedelta
from decimal import Decimal

from _setup import analyze, cpu_speed, finish, result, start

PRODUCTS = int(os.environ.get("BENCH_PRODUCTS", "10000"))
BIG_ORDERS = int(os.environ.get("BENCH_ORDERS", "100000"))
SMALL_ORDERS = int(os.environ.get("BENCH_SMALL_ORDERS", "1000"))
SAMPLE_ORDERS = int(os.environ.get("BENCH_SAMPLE_ORDERS", "200"))
CALLS = int(os.environ.get("BENCH_CALLS", "60"))
COLD_CALLS = int(os.environ.get("BENCH_COLD_CALLS", "15"))
DAYS = 365
CENT = Decimal("0.01")


def main() -> None:
    old_name = start()
    try:
        run()
    finally:
        finish(old_name)


def _store(name: str):
    from nexusone.accounts.actions import create_merchant

    setup = create_merchant(name=name, email=f"{name.lower().replace(' ', '-')}@example.com", password="bench-pass-1")
    return setup.merchant, setup.user


def _catalog(merchant, count: int) -> list:
    from inventory.models import Category, Product

    categories = Category.objects.bulk_create([Category(merchant=merchant, name=f"Category {i}") for i in range(20)])
    products = [
        Product(
            merchant=merchant,
            external_id=f"{merchant.pk.hex[:6]}{i:08d}",
            name=f"Product {i}",
            price=Decimal("19.90"),
            cost_price=Decimal("7.10"),
            stock_quantity=random.randint(0, 400),
            category=categories[i % len(categories)],
        )
        for i in range(count)
    ]
    return Product.objects.bulk_create(products, batch_size=2000)


def _histogram(orders: int) -> dict:
    """Fulfillment buckets as the order flow writes them: hours to confirm, ship, deliver."""
    from analytics.actions.facts import bucket_of

    out: dict = {}
    for stage, low, high in (("to_confirmed", 0.05, 6), ("to_shipped", 10, 90), ("to_delivered", 72, 600)):
        counts: dict = {}
        for _ in range(orders):
            key = str(bucket_of(random.uniform(low, high)))
            counts[key] = counts.get(key, 0) + 1
        out[stage] = counts
    return out


def _seed_rollups(merchant, products: list, orders: int) -> None:
    """A year of store days and product days: `orders` orders of 1–3 lines spread over 365 days."""
    from analytics.models import MerchantDay, ProductDay

    today = __import__("analytics.actions", fromlist=["store_today"]).store_today(merchant)
    days, product_days = [], {}
    per_day = [orders // DAYS + (1 if d < orders % DAYS else 0) for d in range(DAYS)]
    for offset, count in enumerate(per_day):
        day = today - timedelta(days=offset)
        totals = dict.fromkeys(("orders", "lines", "units"), 0) | dict.fromkeys(("revenue", "cost", "client"), CENT * 0)
        for _ in range(count):
            for product in random.sample(products, random.randint(1, 3)):
                units = random.randint(1, 3)
                revenue = (product.price * units).quantize(CENT)
                cost = (product.cost_price * units).quantize(CENT)
                client = (revenue * Decimal("0.30")).quantize(CENT)
                row = product_days.setdefault(
                    (product.pk, day),
                    ProductDay(merchant=merchant, product=product, day=day, views=random.randint(5, 200)),
                )
                row.orders += 1
                row.lines += 1
                row.units += units
                row.revenue += revenue
                row.cost += cost
                row.commission_client += client
                row.commission_platform += revenue - client
                totals["lines"] += 1
                totals["units"] += units
                totals["revenue"] += revenue
                totals["cost"] += cost
                totals["client"] += client
            totals["orders"] += 1
        days.append(
            MerchantDay(
                merchant=merchant,
                day=day,
                orders=totals["orders"],
                lines=totals["lines"],
                units=totals["units"],
                revenue=totals["revenue"],
                cost=totals["cost"],
                commission_client=totals["client"],
                commission_platform=totals["revenue"] - totals["client"],
                fulfillment=_histogram(count),
                stock_end=sum(p.stock_quantity for p in products) if offset < 90 else None,
            )
        )
    MerchantDay.objects.bulk_create(days, batch_size=1000)
    ProductDay.objects.bulk_create(list(product_days.values()), batch_size=5000)
    _seed_stock(merchant, today)


def _seed_stock(merchant, today) -> None:
    """End-of-day stock of every product for the last 90 days (the hourly snapshot's rows), in one statement."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO analytics_stockday (merchant_id, product_id, day, stock_end)
            SELECT p.merchant_id, p.id, d::date, p.stock_quantity
            FROM inventory_product p, generate_series(%s::date - 89, %s::date, interval '1 day') d
            WHERE p.merchant_id = %s
            """,
            [today, today, merchant.pk],
        )


def _sample_orders(merchant, products: list, count: int) -> None:
    """Real orders (lines, ledger rows) recorded through the incremental path, as the order flow does."""
    from django.utils import timezone

    from analytics import actions
    from orders import actions as order_actions
    from orders.choices import OrderStatus
    from orders.models import Order, OrderLine

    now = timezone.now()
    for i in range(count):
        product = random.choice(products)
        confirmed = now - timedelta(days=random.randint(0, 89), hours=random.randint(0, 23))
        order = Order.objects.create(
            merchant=merchant,
            reference=f"#S{i}",
            customer_name="Bench",
            customer_email="bench@example.com",
            subtotal=product.price,
            total_amount=product.price,
            status=OrderStatus.CONFIRMED,
            confirmed_at=confirmed,
        )
        OrderLine.objects.create(
            merchant=merchant,
            order=order,
            product=product,
            external_variant_id="V",
            quantity=1,
            unit_price=product.price,
            unit_cost=product.cost_price,
        )
        order_actions.record_sale_commission(order)
        actions.record_order(order.pk)


def _client(user):
    from rest_framework.test import APIClient
    from rest_framework_simplejwt.tokens import RefreshToken

    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {RefreshToken.for_user(user).access_token}")
    return api


def _query(merchant) -> dict:
    from analytics import actions

    today = actions.store_today(merchant)
    return {"from": (today - timedelta(days=89)).isoformat(), "to": today.isoformat()}


def _time_calls(stores: dict, calls: int, *, after_a_change: bool = False) -> dict[str, list[float]]:
    """`calls` summaries per store, the stores taking turns (in alternating order), so a load that comes and
    goes on this shared machine weighs on both alike. `after_a_change`: the store's version moves before each
    call (as after an order), so the summary is computed from the rollups instead of read from the cache."""
    from analytics.actions.versions import bump_version

    timings: dict[str, list[float]] = {label: [] for label in stores}
    for turn in range(calls):
        for label in list(stores)[:: 1 if turn % 2 == 0 else -1]:
            api, query, merchant = stores[label]
            if after_a_change:
                bump_version(merchant.pk)
            started = time.perf_counter()
            response = api.get("/api/analytics/summary", query)
            timings[label].append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200
    return timings


def _queries(api, query) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(5):  # warm caches and connections
        assert api.get("/api/analytics/summary", query).status_code == 200
    with CaptureQueriesContext(connection) as queries:
        api.get("/api/analytics/summary", query)
    if os.environ.get("BENCH_EXPLAIN") == "1":
        with connection.cursor() as cursor:
            for captured in queries.captured_queries:
                statement = captured["sql"].split(";", 1)[-1]  # without the row-level security settings prefix
                cursor.execute(f"EXPLAIN ANALYZE {statement}")
                plan = [row[0] for row in cursor.fetchall()]
                print(f"  {captured['time']} s  {statement.strip()[:100]}\n    " + "\n    ".join(plan[:40]))
    return len(queries)


def _p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[18]


def run() -> None:
    random.seed(17)
    print(cpu_speed())
    started = time.perf_counter()
    big, big_owner = _store("Big Store")
    small, small_owner = _store("Small Store")
    third, _ = _store("Third Store")
    big_products = _catalog(big, PRODUCTS)
    small_products = _catalog(small, PRODUCTS)
    third_products = _catalog(third, 500)
    _seed_rollups(big, big_products, BIG_ORDERS)
    _seed_rollups(small, small_products, SMALL_ORDERS)
    _seed_rollups(third, third_products, 20_000)
    _sample_orders(big, big_products, SAMPLE_ORDERS)
    print(f"seeded in {time.perf_counter() - started:.0f} s: {PRODUCTS:,} products each for the big and small stores")
    from analytics.models import ProductDay, StockDay

    print(f"rows, all stores: {ProductDay.objects.count():,} product days, {StockDay.objects.count():,} stock days")
    stores = {
        label: (_client(owner), _query(store), store)
        for label, store, owner in (("big", big, big_owner), ("small", small, small_owner))
    }
    for api, query, _ in stores.values():  # a first summary builds the store's preset windows
        assert api.get("/api/analytics/summary", query).status_code == 200
    analyze()
    orders = {"big": BIG_ORDERS + SAMPLE_ORDERS, "small": SMALL_ORDERS}
    queries = {label: _queries(api, query) for label, (api, query, _) in stores.items()}
    results = _time_calls(stores, CALLS)
    cold = _time_calls(stores, COLD_CALLS, after_a_change=True)
    for label in stores:
        print(
            f"summary, 90 days, {orders[label]:,} orders / {PRODUCTS:,} products: "
            f"p50 {statistics.median(results[label]):.1f} ms, p95 {_p95(results[label]):.1f} ms, "
            f"{queries[label]} queries"
        )
        print(
            f"  right after a change (computed from the rollups, then cached): "
            f"p50 {statistics.median(cold[label]):.1f} ms, p95 {_p95(cold[label]):.1f} ms"
        )
    ratio = _p95(results["big"]) / _p95(results["small"])
    print(f"p95 ratio big/small: {ratio:.2f}× (goal ≤ 1.5×)")
    result("analytics summary p95, 100k vs 1k orders", f"{ratio:.2f}×", "≤ 1.5×", ratio <= 1.5)
    print(f"  right after a change: {_p95(cold['big']) / _p95(cold['small']):.2f}× (not cached: grows with sales)")


if __name__ == "__main__":
    main()
