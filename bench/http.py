"""Through real HTTP: the production server (`make serve`, one worker per CPU) on PostgreSQL + Redis.

An asyncio client (httpx) keeps BENCH_CLIENTS requests in flight (default 2 x CPUs) over real sockets
and reports requests/s and p50/p95/p99 latency, each also as a ratio to the floor measured in the same
run, for:
  floor      GET /api/merchant (the cheapest authenticated call)
  products   GET /api/dropshipping/products?page_size=100 (BENCH_PRODUCTS products in the catalog)
  create     POST /api/order-fulfillment create, stock left (201)
  refuse     POST /api/order-fulfillment create, no stock (409 insufficient_stock)
  webhook    POST /api/webhooks/cj, a signed LOGISTIC message (stored once, processed later)
each for BENCH_SECONDS, then all of them mixed for BENCH_SOAK_SECONDS (default 60): no errors allowed.

CJ is not called: shipping quotes are cached before the run (as after the first order of the day), and
CJ_API_BASE_URL points at a closed local port so a miss could never leave the machine. Submissions and
inbox drains are queued on the broker for workers that are not running here (purged afterwards).
Uses a throwaway database.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import itertools
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from _setup import ROOT, cpu_speed, finish, install_fake_supplier, merchant_with_owner, result, start, stock_fields

CPUS = os.cpu_count() or 1
CLIENTS = int(os.environ.get("BENCH_CLIENTS", str(2 * CPUS)))
WORKERS = int(os.environ.get("BENCH_SERVER_WORKERS", str(CPUS)))
SECONDS = float(os.environ.get("BENCH_SECONDS", "10"))
SOAK_SECONDS = float(os.environ.get("BENCH_SOAK_SECONDS", "60"))
PRODUCTS = int(os.environ.get("BENCH_PRODUCTS", "1000"))
CREATE_P95_GOAL = 10.0  # x the floor's p95


@dataclass
class Phase:
    name: str
    latencies: list[float] = field(default_factory=list)
    errors: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0

    @property
    def rate(self) -> float:
        return len(self.latencies) / self.seconds if self.seconds else 0.0

    def percentile(self, p: int) -> float:
        if len(self.latencies) < 2:
            return self.latencies[0] if self.latencies else float("nan")
        return statistics.quantiles(self.latencies, n=100, method="inclusive")[p - 1] * 1000

    def error_count(self) -> int:
        return sum(self.errors.values())


@dataclass
class Request:
    method: str
    path: str
    expected: int
    body: bytes | None = None
    headers: dict[str, str] = field(default_factory=dict)


def main() -> None:
    import logging

    logging.getLogger("httpx").setLevel(logging.WARNING)  # a log line per request would load the client
    old_name = start()
    server = None
    try:
        from django.db import connection

        requests = prepare()
        database = connection.settings_dict["NAME"]
        sessions_before = database_sessions()
        connection.close()
        server, log_path = start_server(database)
        phases, soak = asyncio.run(drive(server, requests))
        stop_server(server)
        server = None
        report(phases, soak, database_sessions() - sessions_before, log_path)
    finally:
        if server is not None:
            stop_server(server)
        from nexusone.celery import app

        app.control.purge()  # submissions and drains queued for workers that never ran
        finish(old_name)


def database_sessions() -> int:
    from _setup import database_sessions as sessions

    return sessions()


def prepare() -> dict[str, Callable[[int], Request]]:
    """The catalog, a connected CJ account, a token, warmed quotes; returns a request maker per phase."""
    from rest_framework_simplejwt.tokens import RefreshToken

    from inventory.models import Product, Variant
    from nexusone.suppliers.base import OrderLineRequest
    from nexusone.suppliers.models import SupplierAccount
    from orders import actions

    fake = install_fake_supplier()
    merchant, owner = merchant_with_owner()
    account = SupplierAccount.objects.create(merchant=merchant, supplier="cj", api_key="k", open_id=fake.webhook_key)
    products = Product.objects.bulk_create(
        Product(merchant=merchant, external_id=f"P{i}", name=f"Bench product {i}", price="10.00", **stock_fields(50))
        for i in range(PRODUCTS)
    )
    Variant.objects.bulk_create(
        Variant(
            merchant=merchant,
            product=p,
            external_id=f"V{p.external_id}",
            sku=f"SKU-{p.external_id}",
            price="10.00",
            **stock_fields(50),
        )
        for p in products
    )
    plenty = Variant.objects.filter(product=products[0]).get()
    Variant.objects.filter(pk=plenty.pk).update(**stock_fields(10_000_000))
    empty = Variant.objects.filter(product=products[1]).get()
    Variant.objects.filter(pk=empty.pk).update(**stock_fields(0))
    actions.quote_shipping(
        merchant, [OrderLineRequest(variant_id=plenty.external_id, quantity=1)], to_country_code="US", account=account
    )
    auth = {"Authorization": f"Bearer {RefreshToken.for_user(owner).access_token}", "Content-Type": "application/json"}

    def order(variant) -> Callable[[int], Request]:
        def make(i: int) -> Request:
            body = {
                "action": "create",
                "reference": f"#H{variant.external_id}-{i}",
                "customer": {"name": "Load Test", "email": "load@example.com"},
                "shipping_address": {"line1": "1 Main St", "city": "Springfield", "country_code": "US"},
                "items": [{"product_id": str(variant.product_id), "variant_id": str(variant.pk), "quantity": 1}],
            }
            return Request(
                "POST", "/api/order-fulfillment", 201 if variant is plenty else 409, json.dumps(body).encode(), auth
            )

        return make

    def webhook(i: int) -> Request:
        raw = json.dumps(
            {
                "messageId": f"http-{i:08d}",
                "type": "LOGISTIC",
                "messageType": "UPDATE",
                "openId": int(fake.webhook_key),
                "params": {
                    "orderId": "",
                    "storeOrderNumbers": ["#0001"],
                    "trackingNumber": f"T{i}",
                    "trackingStatus": 5,
                    "logisticsTrackEvents": "[]",
                },
            }
        ).encode()
        sign = base64.b64encode(hmac.new(fake.webhook_key.encode(), raw, hashlib.sha256).digest()).decode()
        return Request("POST", "/api/webhooks/cj", 200, raw, {"Content-Type": "application/json", "sign": sign})

    return {
        "floor": lambda i: Request("GET", "/api/merchant", 200, headers=auth),
        "products": lambda i: Request("GET", "/api/dropshipping/products?page_size=100", 200, headers=auth),
        "create": order(plenty),
        "refuse": order(empty),
        "webhook": webhook,
    }


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_server(database: str) -> tuple[subprocess.Popen, str]:
    """scripts/serve.sh on a free port, production settings, the throwaway database; waits until it answers."""
    from django.conf import settings

    db = settings.DATABASES["default"]
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if k not in {"NEXUSONE_TESTING", "DJANGO_ALLOW_ASYNC_UNSAFE"}}
    env.update(
        DATABASE_URL=f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{database}",
        NEXUSONE_PORT=str(port),
        WEB_CONCURRENCY=str(WORKERS),
        DEBUG="false",
        SECRET_KEY=settings.SECRET_KEY,
        FIELD_ENCRYPTION_KEYS=",".join(settings.FIELD_ENCRYPTION_KEYS),
        SECURE_SSL_REDIRECT="false",
        THROTTLE_USER="100000000/minute",  # the throttle still runs; the load is one user
        CJ_API_BASE_URL="http://127.0.0.1:9/api2.0/v1",  # closed port: nothing leaves the machine
        CJ_SANDBOX_ENABLED="false",
        LOG_LEVEL="WARNING",
    )
    log_path = tempfile.mkstemp(prefix="nexusone-bench-http-", suffix=".log")[1]
    with open(log_path, "w") as log:
        server = subprocess.Popen([str(ROOT / "scripts" / "serve.sh")], env=env, stdout=log, stderr=subprocess.STDOUT)
    server.base_url = f"http://127.0.0.1:{port}"  # type: ignore[attr-defined]
    if not _answers(server, f"{server.base_url}/health"):
        stop_server(server)
        sys.exit(f"the server did not answer /health within 60 s; see {log_path}")
    return server, log_path


def _answers(server: subprocess.Popen, url: str) -> bool:
    """Every worker up: /health answers 200 a few times in a row (the master listens before workers boot)."""
    import httpx

    deadline, in_a_row = time.monotonic() + 60, 0
    while time.monotonic() < deadline and server.poll() is None and in_a_row < 2 * WORKERS:
        try:
            in_a_row = in_a_row + 1 if httpx.get(url, timeout=5).status_code == 200 else 0
        except httpx.HTTPError:
            in_a_row = 0
            time.sleep(0.2)
    return in_a_row >= 2 * WORKERS


def stop_server(server: subprocess.Popen) -> None:
    server.send_signal(signal.SIGTERM)
    try:
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


async def drive(server, makers: dict[str, Callable[[int], Request]]) -> tuple[list[Phase], Phase]:
    import httpx

    limits = httpx.Limits(max_connections=CLIENTS, max_keepalive_connections=CLIENTS)
    counter = itertools.count()
    async with httpx.AsyncClient(base_url=server.base_url, limits=limits, timeout=30) as client:
        await run_phase(client, Phase("warm-up"), [makers["floor"], makers["products"]], min(SECONDS, 3), counter)
        phases = []
        for name, make in makers.items():
            phases.append(await run_phase(client, Phase(name), [make], SECONDS, counter))
        soak = await run_phase(client, Phase("mixed"), list(makers.values()), SOAK_SECONDS, counter)
    return phases, soak


async def run_phase(client, phase: Phase, makers: list, seconds: float, counter) -> Phase:
    """CLIENTS loops, each sending its next request as soon as the last one answered, for `seconds`."""
    deadline = time.monotonic() + seconds

    async def loop(offset: int) -> None:
        for turn in itertools.count(offset):
            if time.monotonic() >= deadline:
                return
            request = makers[turn % len(makers)](next(counter))
            started = time.perf_counter()
            try:
                response = await client.request(
                    request.method, request.path, content=request.body, headers=request.headers
                )
                outcome = None if response.status_code == request.expected else f"{request.path} {response.status_code}"
            except Exception as exc:  # noqa: BLE001 - every failure is counted and named in the report
                outcome = f"{request.path} {type(exc).__name__}"
            phase.latencies.append(time.perf_counter() - started)
            if outcome:
                phase.errors[outcome] = phase.errors.get(outcome, 0) + 1

    started = time.perf_counter()
    await asyncio.gather(*(loop(n) for n in range(CLIENTS)))
    phase.seconds = time.perf_counter() - started
    return phase


def report(phases: list[Phase], soak: Phase, sessions: int, log_path: str) -> None:
    floor = phases[0]
    print(
        f"server: {WORKERS} gunicorn/uvicorn workers; client: {CLIENTS} concurrent requests (asyncio + httpx), "
        f"{SECONDS:.0f} s per phase, catalog of {PRODUCTS} products"
    )
    print(
        f"{'phase':<10}{'requests':>9}{'req/s':>8}{'p50 ms':>8}{'p95 ms':>8}{'p99 ms':>8}"
        f"{'errors':>8}{'x floor req/s':>15}{'x floor p95':>13}"
    )
    for phase in [*phases, soak]:
        print(
            f"{phase.name:<10}{len(phase.latencies):>9}{phase.rate:>8.0f}{phase.percentile(50):>8.1f}"
            f"{phase.percentile(95):>8.1f}{phase.percentile(99):>8.1f}{phase.error_count():>8}"
            f"{phase.rate / floor.rate:>15.2f}{phase.percentile(95) / floor.percentile(95):>13.2f}"
        )
    for phase in [*phases, soak]:
        for what, count in phase.errors.items():
            print(f"  {phase.name} error: {what} x {count}")
    print(f"database sessions opened during the run (all workers, pooled): {sessions}")
    print(f"server log: {log_path}")
    print(cpu_speed())
    create = next(p for p in phases if p.name == "create")
    ratio = create.percentile(95) / floor.percentile(95)
    result(
        "http: order create p95 / floor p95", f"{ratio:.1f}x", f"<= {CREATE_P95_GOAL:.0f}x", ratio <= CREATE_P95_GOAL
    )
    errors = sum(p.error_count() for p in [*phases, soak])
    result(
        f"http: errors, {CLIENTS} clients, {soak.seconds:.0f} s mixed",
        str(errors),
        "0",
        errors == 0 and soak.seconds >= min(SOAK_SECONDS, 60) - 1,
    )


if __name__ == "__main__":
    main()
