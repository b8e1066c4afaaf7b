"""Benchmark: the CJ client against the standalone sandbox at a QPS limit, from two worker processes.

Starts `manage.py cj_sandbox --qps 20 --products 500`, connects one CJ account (QPS 20) and
lets two processes fetch stock for 500 products (product/stock/getInventoryByPid, one call per
product) through the shared Redis rate limiter. The sandbox enforces the limit as CJ does: a strict
sliding one-second window over arrival times, answering 1600200 to any call over it.

Prints the served calls per second as a fraction of the limit (goal ≥ 0.9), twice: over the
whole run, and without the first second's allowance (a run of N calls at limit q may take
only (N − q) / q seconds, so the first figure can exceed 1.00 by q / N; the second cannot,
on a strict server); the rate-limit errors the sandbox sent (goal 0); and calls per product
against CJ's minimum of one (goal ≤ 1.05×). At QPS 2, use fewer products (--products 60).

Needs Redis (REDIS_URL, as `make bench` sets it): the limiter must be shared between processes.
Usage: python bench/cj_client.py [--qps 20] [--products 500] [--workers 2]
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import _setup  # noqa: F401 - first: `http` must be the standard library's (bench/http.py shares its name)

# isort: split
import urllib.request

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def setup_django(db_path: str, base_url: str) -> None:
    os.environ["DATABASE_URL"] = f"sqlite:///{db_path}"
    os.environ["CJ_API_BASE_URL"] = base_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nexusone.settings")
    os.environ.setdefault("DEBUG", "true")
    os.environ["LOG_LEVEL"] = "WARNING"
    import django

    django.setup()


def worker(db_path: str, base_url: str, account_id: str, pids: list[str], results) -> None:
    setup_django(db_path, base_url)
    from nexusone.suppliers.base import SupplierError
    from nexusone.suppliers.cj.client import CJSupplier
    from nexusone.suppliers.models import SupplierAccount

    client = CJSupplier(SupplierAccount.objects.get(pk=account_id))
    ready = time.time()
    failures = 0
    variants = 0
    for pid in pids:
        try:
            variants += len(client.get_product_stock(pid))
        except SupplierError:
            failures += 1
    results.put({"failures": failures, "variants": variants, "ready": ready, "finished": time.time()})


def control(base: str, name: str, body: dict | None = None) -> dict:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(
        f"{base}/control/{name}",
        data=data,
        method="POST" if data else "GET",
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read())


def wait_until_up(url: str, timeout: float = 30) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            control(url, "state")
            return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"the sandbox did not start at {url}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--qps", type=int, default=20)
    parser.add_argument("--products", type=int, default=500)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    if not os.environ.get("REDIS_URL"):
        raise SystemExit("Set REDIS_URL: the rate limiter is shared between worker processes through Redis.")

    port = free_port()
    sandbox_url = f"http://127.0.0.1:{port}"
    base_url = f"{sandbox_url}/api2.0/v1"
    tmp = tempfile.mkdtemp(prefix="nexusone-bench-")
    db_path = os.path.join(tmp, "bench.sqlite3")
    env = {**os.environ, "DEBUG": "true", "DATABASE_URL": f"sqlite:///{db_path}", "LOG_LEVEL": "WARNING"}
    sandbox = subprocess.Popen(
        [
            sys.executable,
            str(ROOT / "manage.py"),
            "cj_sandbox",
            "--port",
            str(port),
            "--qps",
            str(args.qps),
            "--products",
            str(args.products),
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_until_up(sandbox_url)
        setup_django(db_path, base_url)
        from django.core.cache import cache
        from django.core.management import call_command
        from django.db import connections

        call_command("migrate", verbosity=0)
        from nexusone.accounts.actions import create_merchant
        from nexusone.suppliers.actions import set_api_key
        from nexusone.suppliers.cj.client import CJSupplier
        from nexusone.suppliers.cj.sandbox.catalog import build_catalog

        cache.delete_many([])  # touch the cache backend early (Redis when REDIS_URL is set)
        merchant = create_merchant(name="Bench", email="bench@example.com", password="bench-pass-2026").merchant
        account = set_api_key(merchant, "sandbox-key", qps=args.qps)
        from nexusone.suppliers.cj.tokens import cj_account_key

        cache.delete(f"supplier:cj:login:{cj_account_key(account)}")
        CJSupplier(account).connect()
        pids = list(build_catalog(count=args.products)[0])
        connections.close_all()
        control(sandbox_url, "state", {"reset_stats": True})

        context = multiprocessing.get_context("spawn")
        results = context.Queue()
        shares = [pids[i :: args.workers] for i in range(args.workers)]
        started = time.time()
        processes = [
            context.Process(target=worker, args=(db_path, base_url, str(account.pk), share, results))
            for share in shares
        ]
        for process in processes:
            process.start()
        outcomes = [results.get(timeout=600) for _ in processes]
        for process in processes:
            process.join()
        # Time from the first call to the last answer (each worker's start-up excluded by its own first call).
        stats = control(sandbox_url, "state")["stats"]
    finally:
        sandbox.terminate()
        sandbox.wait(timeout=10)

    finished = max(o["finished"] for o in outcomes)
    elapsed = finished - min(o["ready"] for o in outcomes)  # from the first worker's first call
    with_startup = finished - started
    calls = stats["by_path"].get("product/stock/getInventoryByPid", 0)
    total_calls = stats["calls"]
    served = calls - stats["rate_limited"]
    achieved = served / elapsed
    steady = max(served - args.qps, 0) / elapsed
    print(f"products: {args.products}  workers: {args.workers}  QPS limit: {args.qps}")
    print(f"elapsed: {elapsed:.1f} s of calls ({with_startup:.1f} s including worker start-up)")
    print(
        f"served QPS: {achieved:.2f} = {achieved / args.qps:.2f} of the limit (goal >= 0.90); "
        f"{served / with_startup / args.qps:.2f} counting start-up; "
        f"{steady / args.qps:.2f} without the first second's allowance (at most 1.00 on a strict server)"
    )
    print(f"rate-limit errors received (1600200): {stats['rate_limited']} (goal 0)")
    print(
        f"stock calls: {calls}, all calls: {total_calls}; calls per product: {calls / args.products:.3f} "
        f"vs CJ's minimum 1 (getInventoryByPid) = {calls / args.products:.3f}x (goal <= 1.05x)"
    )
    failed = sum(o["failures"] for o in outcomes)
    variants = sum(o["variants"] for o in outcomes)
    print(f"failed products: {failed}; variants read: {variants}")


if __name__ == "__main__":
    main()
