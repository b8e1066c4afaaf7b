"""Benchmark: a simulated day of a 10,000-product store on an hourly target within CJ's daily points.

The CJ sandbox runs in this process (its HTTP server on a free port, reached through the real CJ client,
the points ledger and the sync), enforcing CJ's 50,000 points a day as CJ does (HTTP 429 with `pointsInfo`).
One simulated clock drives the sandbox, the ledger and Django: beat's planned cycle every 15 minutes, 5% of
the products changing stock at random times, and CJ's STOCK messages delivered (1–60 s later) for 90% of
the changes — by default because 10% of the catalog is not subscribed (as under a subscription cap);
`--lost-webhooks random` subscribes everything and loses 10% of the messages at random instead.

Prints the points CJ counted (goal ≤ the day's budget less the reserve, no "out of points" answer), the
95th percentile of staleness (change at CJ → the new stock applied here) for changes with a message
(goal ≤ 15 min) and for every change (goal ≤ 24 h), and how many products met an hourly target.
Usage: python bench/points.py [--products 10000] [--changes 0.05] [--seed 7] [--lost-webhooks subscription|random]
       [--price-cycle daily|weekly|...]
"""

from __future__ import annotations

import argparse
import heapq
import itertools
import random
import sys
import time
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from unittest import mock

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _setup

LEDGER_KEYS = ("used", "reported", "paused", "purpose:foreground", "purpose:background")


class Clock:
    """The simulated time every part of the run reads."""

    def __init__(self, start: datetime) -> None:
        self.current = start

    def now(self) -> datetime:
        return self.current


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--products", type=int, default=10_000)
    parser.add_argument("--changes", type=float, default=0.05, help="share of products whose stock changes")
    parser.add_argument("--webhooks", type=float, default=0.90, help="share of changes CJ sends a message for")
    parser.add_argument("--lost-webhooks", choices=["subscription", "random"], default="subscription")
    parser.add_argument("--price-cycle", choices=["6h", "12h", "daily", "weekly"], default="daily")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    database = _setup.start()
    from django.db import connection

    with connection.cursor() as cursor:  # figures are on the simulated clock: spare this shared disk the flushes
        cursor.execute("SET synchronous_commit TO off")
    try:
        run(args)
    finally:
        _setup.finish(database)


def run(args: argparse.Namespace) -> None:
    rng = random.Random(args.seed)
    day = (datetime.now(UTC) + timedelta(days=2)).replace(hour=0, minute=0, second=0, microsecond=0)
    clock = Clock(day - timedelta(minutes=1))
    with simulated_clock(clock):
        started = time.perf_counter()
        sim = Simulation(args, rng, clock)
        sim.set_up()
        print(f"set-up: {time.perf_counter() - started:.0f} s ({args.products:,} products)")
        started = time.perf_counter()
        sim.run_day(day)
        print(f"simulated day: {time.perf_counter() - started:.0f} s of wall time")
    sim.report()


def simulated_clock(clock: Clock):
    """Django, the points ledger and the sandbox all read `clock` (the CJ client's own pacing stays real)."""
    from contextlib import ExitStack

    stack = ExitStack()
    for target in (
        "django.utils.timezone.now",
        "nexusone.suppliers.cj.points.now_utc",
        "nexusone.suppliers.cj.sandbox.state.now_utc",
        "nexusone.suppliers.cj.sandbox.state.limits.now_utc",
        "nexusone.suppliers.cj.sandbox.state.tokens.now_utc",
    ):
        stack.enter_context(mock.patch(target, clock.now))
    return stack


class Simulation:
    def __init__(self, args: argparse.Namespace, rng: random.Random, clock: Clock) -> None:
        self.args, self.rng, self.clock = args, rng, clock
        self.pending: dict[str, dict] = {}  # product id -> the change not yet applied here
        self.staleness: list[tuple[bool, float]] = []  # (CJ sent a message, seconds until applied)
        self.late_products: set[str] = set()  # a change took longer than an hour to arrive here
        self.cycles = self.webhook_runs = self.read_failures = 0
        self.failure_details: list[str] = []

    # --- set-up --------------------------------------------------------------------------
    def set_up(self) -> None:
        from django.core.cache import cache

        from nexusone.suppliers.cj.sandbox.state import STATE
        from nexusone.suppliers.cj.sandbox.testing import running_sandbox

        STATE.product_count = self.args.products
        self.sandbox_context = running_sandbox()
        self.sandbox = self.sandbox_context.__enter__()
        STATE.daily_points = 50_000
        from django.conf import settings

        settings.CJ_API_BASE_URL = self.sandbox.api_base_url
        from inventory import actions
        from nexusone.suppliers.actions import set_api_key
        from nexusone.suppliers.cj.client import CJSupplier
        from nexusone.suppliers.cj.tokens import cj_account_key

        self.merchant, _ = _setup.merchant_with_owner("pro")
        self.account = set_api_key(self.merchant, "sandbox-key", qps=1000)
        key = cj_account_key(self.account)
        cache.delete(f"supplier:cj:login:{key}")
        for days in range(3):  # an earlier run's count of the eve, the day and the day after
            moment = self.clock.now() + timedelta(days=days)
            cache.delete_many([f"supplier:cj:points:{key}:{moment:%Y%m%d}:{what}" for what in LEDGER_KEYS])
        CJSupplier(self.account).connect()
        actions.update_inventory_settings(self.merchant, sync_frequency="hourly", price_cycle=self.args.price_cycle)
        self.mirror_catalog(STATE)

    def mirror_catalog(self, state) -> None:
        """The sandbox's catalog in the store, in step, as if read during the last three days (bulk inserts)."""
        from inventory.actions import compute_price
        from inventory.models import Product, ProductFreshness, Variant

        prices: dict[Decimal, Decimal] = {}

        def price(cost: Decimal) -> Decimal:
            if cost not in prices:
                prices[cost] = compute_price(self.merchant, cost)
            return prices[cost]

        products, variants, freshness = [], [], []
        unsubscribed = self.args.lost_webhooks == "subscription"
        for sandbox_product in state.products.values():
            totals = [sum(cj + f for cj, f in v.stock.values()) for v in sandbox_product.variants]
            cost = min(v.sell_price for v in sandbox_product.variants).quantize(Decimal("0.01"))
            product = Product(
                merchant=self.merchant,
                external_id=sandbox_product.pid,
                name=sandbox_product.name_en[:500],
                sku=sandbox_product.sku,
                cost_price=cost,
                price=price(cost),
                stock_quantity=sum(totals),
                supplier_stock=sum(totals),
            )
            products.append(product)
            for variant, total in zip(sandbox_product.variants, totals, strict=True):
                variant_cost = variant.sell_price.quantize(Decimal("0.01"))
                variants.append(
                    Variant(
                        merchant=self.merchant,
                        product=product,
                        external_id=variant.vid,
                        sku=variant.sku,
                        name=variant.name_en[:500],
                        cost_price=variant_cost,
                        price=price(variant_cost),
                        stock_quantity=total,
                        supplier_stock=total,
                    )
                )
            read_at = self.clock.now() - timedelta(seconds=self.rng.uniform(0, 3 * 86400))
            subscribed = not (unsubscribed and self.rng.random() >= self.args.webhooks)
            freshness.append(
                ProductFreshness(
                    product=product,
                    merchant=self.merchant,
                    stock_read_at=read_at,
                    price_read_at=read_at,
                    subscribed_at=self.clock.now() - timedelta(days=7) if subscribed else None,
                )
            )
        Product.objects.bulk_create(products, batch_size=1000)
        Variant.objects.bulk_create(variants, batch_size=2000)
        ProductFreshness.objects.bulk_create(freshness, batch_size=2000)
        self.product_ids = {p.external_id: str(p.pk) for p in products}
        self.subscribed = {str(f.product.pk) for f in freshness if f.subscribed_at}

    # --- the day -------------------------------------------------------------------------
    def run_day(self, day: datetime) -> None:
        from inventory.actions import freshness_plan
        from inventory.actions.schedules import schedule_offset
        from nexusone.suppliers.cj.points import PointsLedger
        from nexusone.suppliers.cj.sandbox.state import STATE

        events: list[tuple[datetime, int, str, object]] = []
        order = itertools.count()
        first = schedule_offset(self.merchant)[0] % 15
        for slot in range(96):
            heapq.heappush(events, (day + timedelta(minutes=first + 15 * slot), next(order), "cycle", None))
        sandbox_products = list(STATE.products.values())
        for sandbox_product in self.rng.sample(sandbox_products, round(len(sandbox_products) * self.args.changes)):
            at = day + timedelta(seconds=self.rng.uniform(0, 86400))
            heapq.heappush(events, (at, next(order), "change", sandbox_product))
        self.end = day + timedelta(days=1)
        while events:
            at, _, kind, subject = heapq.heappop(events)
            self.clock.current = at
            if kind == "cycle":
                self.planned_cycle()
            elif kind == "change":
                message = self.change_stock(STATE, subject)
                if message is not None:
                    delay = timedelta(seconds=self.rng.uniform(1, 60))
                    heapq.heappush(events, (at + delay, next(order), "webhook", message))
            else:
                self.deliver(subject)
        self.clock.current = self.end - timedelta(seconds=1)  # CJ's count of the day, before its reset
        self.points = dict(STATE.points_info())
        self.ledger = PointsLedger(self.account).status()
        self.out_of_points = STATE.stats.get("out_of_points", 0)
        self.calls = STATE.stats["calls"]
        self.plan = freshness_plan(self.merchant)
        self.sandbox_context.__exit__(None, None, None)
        self.left_at_midnight = len(self.pending)
        self.follow_the_plan_past_midnight(first)

    def follow_the_plan_past_midnight(self, first_minute: int) -> None:
        """Changes still waiting at midnight: when the planner's next day reaches them. Its cycles choose as
        they would (same budget, same order) and their reads are taken as done, not sent: the points of the
        day measured are already counted, and sending them would double the wall time."""
        from inventory.actions.planner import cycle_budget, plan_cycle, read_cost
        from inventory.actions.planner.budget import message_points_expected
        from inventory.actions.sync.run import record_freshness
        from inventory.models import Product
        from nexusone.suppliers.cj.points import PointsLedger

        ledger = PointsLedger(self.account)
        for slot in range(96):
            if not self.pending:
                return
            self.clock.current = self.end + timedelta(minutes=first_minute + 15 * slot)
            now = self.clock.now()
            held = message_points_expected(self.merchant, now)
            points = cycle_budget(ledger.status(now), now, held_for_messages=held)
            chosen = plan_cycle(self.merchant, now, points)
            ids = [c.product_id for c in chosen]
            products = list(Product.objects.filter(pk__in=ids).only("pk", "merchant_id"))
            record_freshness(products, stock_read_at=now)
            price_due = {c.product_id for c in chosen if c.price_due}
            record_freshness([p for p in products if p.pk in price_due], price_read_at=now)
            ledger._add("used", sum(read_cost(with_price=c.price_due) for c in chosen), now)
            for product_id in map(str, ids):
                change = self.pending.pop(product_id, None)
                if change is not None:
                    seconds = (now - change["at"]).total_seconds()
                    self.staleness.append((change["sent"], seconds))
                    if seconds > 3600:
                        self.late_products.add(product_id)

    def change_stock(self, state, sandbox_product) -> dict | None:
        """Move one variant's stock at CJ; the message CJ would send, or None when it sends none."""
        variant = self.rng.choice(sandbox_product.variants)
        cj, factory = variant.stock.get("CN", (0, 0))
        new_cj = max(0, cj + self.rng.choice([-1, 1]) * self.rng.randint(1, 40))
        if new_cj == cj:
            new_cj = cj + 5
        with state.lock:
            variant.stock["CN"] = (new_cj, factory)
        product_id = self.product_ids[sandbox_product.pid]
        expected = sum(c + f for c, f in variant.stock.values())
        sent = product_id in self.subscribed
        if self.args.lost_webhooks == "random":
            sent = self.rng.random() < self.args.webhooks
        self.pending[product_id] = {"vid": variant.vid, "stock": expected, "at": self.clock.now(), "sent": sent}
        if not sent:
            return None
        return {variant.vid: [{"vid": variant.vid, "areaId": 1, "countryCode": "CN", "storageNum": expected}]}

    def deliver(self, message: dict) -> None:
        from inventory.actions import apply_supplier_stock_event
        from nexusone.suppliers.base import WebhookEvent

        event = WebhookEvent(message_id=str(self.rng.random()), topic="stock", action="UPDATE", payload=message)
        run = apply_supplier_stock_event(self.merchant, event)
        self.webhook_runs += 1
        if run is not None:
            self.settle(run)

    def planned_cycle(self) -> None:
        from inventory.actions import run_planned_cycle

        run = run_planned_cycle(self.merchant)
        self.cycles += 1
        if run is not None:
            self.settle(run)

    def settle(self, run) -> None:
        """Changes whose new stock is now here: their staleness is the time since they happened at CJ."""
        from inventory.models import Variant

        self.read_failures += run.failed
        self.failure_details.extend(f"{self.clock.now():%H:%M} {e.get('detail', '')[:120]}" for e in run.errors[:2])
        waiting = {pid: change for pid, change in self.pending.items() if pid in set(run.product_ids)}
        if not waiting:
            return
        stocks = dict(
            Variant.objects.filter(external_id__in=[c["vid"] for c in waiting.values()]).values_list(
                "external_id", "supplier_stock"
            )
        )
        for product_id, change in waiting.items():
            if stocks.get(change["vid"]) == change["stock"]:
                seconds = (self.clock.now() - change["at"]).total_seconds()
                self.staleness.append((change["sent"], seconds))
                if seconds > 3600:
                    self.late_products.add(product_id)
                del self.pending[product_id]

    # --- figures -------------------------------------------------------------------------
    def report(self) -> None:
        budget, reserve = 50_000, 10_000
        used = self.points["usedToday"]
        for change in self.pending.values():  # not reached by the end of the next day: counted at that point
            self.staleness.append((change["sent"], (self.end + timedelta(days=1) - change["at"]).total_seconds()))
        with_message = [s for sent, s in self.staleness if sent]
        every = [s for _, s in self.staleness]
        p95_message, p95_all = percentile(with_message, 95), percentile(every, 95)
        changed = len(self.staleness)
        late = len(self.late_products) + len(self.pending)
        hourly = self.args.products - late
        plan = self.plan
        print(_setup.cpu_speed())
        print(
            f"products: {self.args.products:,}; changes: {changed} ({len(with_message)} with a CJ message, "
            f"lost: {self.args.lost_webhooks}; price cycle: {self.args.price_cycle}); planned cycles: {self.cycles}; "
            f"webhook re-reads: {self.webhook_runs}"
        )
        print(
            f"CJ calls: {self.calls:,}; points CJ counted: {used:,} of {budget:,} (reserve {reserve:,} untouched: "
            f"{used <= budget - reserve}; our ledger: {self.ledger.used:,}); out-of-points answers: "
            f"{self.out_of_points}; failed reads: "
            f"{self.read_failures}"
        )
        print(
            f"staleness p50/p95/max, with a message: {minutes(percentile(with_message, 50))} / "
            f"{minutes(p95_message)} / {minutes(max(with_message, default=0))}"
        )
        print(
            f"staleness p50/p95/max, every change:   {minutes(percentile(every, 50))} / {minutes(p95_all)} / "
            f"{minutes(max(every, default=0))}"
        )
        for detail in self.failure_details[:5]:
            print(f"  failed read: {detail}")
        print(
            f"changes waiting at midnight: {self.left_at_midnight} (reached on the next day by the planner's own "
            f"choices, reads not sent); still waiting a day later: {len(self.pending)}"
        )
        print(
            f"products never more than an hour behind CJ all day: {hourly:,} of {self.args.products:,} "
            f"({changed - late} of {changed} changes applied within the hour)"
        )
        print(
            f"the plan at the end of the day: {plan.message} (at target {plan.at_target:,}, daily "
            f"{plan.at_daily:,}, behind {plan.behind:,}; needs {plan.points_needed_per_day:,} points a day of "
            f"{plan.points_available_per_day:,})"
        )
        _setup.result("points used (CJ's count)", f"{used:,}", f"≤ {budget - reserve:,}", used <= budget - reserve)
        _setup.result("out-of-points answers", str(self.out_of_points), "0", self.out_of_points == 0)
        _setup.result("p95 staleness with a message", minutes(p95_message), "≤ 15 min", p95_message <= 900)
        _setup.result("p95 staleness, every change", minutes(p95_all), "≤ 24 h", p95_all <= 86400)
        _setup.result("products at an hourly target", f"{hourly:,}", "reported", True)


def percentile(values: list[float], pct: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(pct / 100 * len(ordered) + 0.5) - 1))]


def minutes(seconds: float) -> str:
    return f"{seconds / 60:.1f} min" if seconds < 5400 else f"{seconds / 3600:.1f} h"


if __name__ == "__main__":
    main()
