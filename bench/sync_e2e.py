"""Benchmark: a full inventory sync of 1,000 products against the standalone CJ sandbox at QPS 20.

Starts `manage.py cj_sandbox --qps 20 --products 1000`, puts the sandbox's catalog into one
merchant's inventory (in step, built from the same seeded catalog, no API calls), moves some
stock and prices (`control/tick`), then times `start_sync(..., run_now=True)` through the real
CJ client and its shared Redis rate limiter. The floor is calls ÷ QPS (two calls per product:
getInventoryByPid and product/query); the goal is wall time ≤ 1.15 × the floor.

Needs Redis (REDIS_URL, as `make bench` sets it) for the client's rate limiter.
Usage: python bench/sync_e2e.py [--qps 20] [--products 1000]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from cj_client import control, free_port, wait_until_up  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description="Full sync against the standalone CJ sandbox at a QPS limit.")
    parser.add_argument("--qps", type=int, default=20)
    parser.add_argument("--products", type=int, default=1000)
    parser.add_argument("--ticks", type=int, default=50, help="stock/price movements before the sync")
    args = parser.parse_args()
    if not os.environ.get("REDIS_URL"):
        raise SystemExit("Set REDIS_URL: the CJ client's rate limiter lives in Redis.")

    port = free_port()
    sandbox_url = f"http://127.0.0.1:{port}"
    base_url = f"{sandbox_url}/api2.0/v1"
    db_path = os.path.join(tempfile.mkdtemp(prefix="nexusone-bench-"), "bench.sqlite3")
    env = {**os.environ, "DEBUG": "true", "DATABASE_URL": f"sqlite:///{db_path}", "LOG_LEVEL": "WARNING"}
    command = [sys.executable, str(ROOT / "manage.py"), "cj_sandbox", "--port", str(port)]
    command += ["--qps", str(args.qps), "--products", str(args.products)]
    sandbox = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_until_up(sandbox_url)
        os.environ.update(DATABASE_URL=f"sqlite:///{db_path}", CJ_API_BASE_URL=base_url, LOG_LEVEL="WARNING")
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nexusone.settings")
        os.environ.setdefault("DEBUG", "true")
        import django

        django.setup()
        from django.core.cache import cache
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        from inventory import actions
        from inventory.choices import SyncTrigger
        from inventory.demo import add_catalog_product as add_product
        from nexusone.accounts.actions import create_merchant
        from nexusone.suppliers.actions import set_api_key
        from nexusone.suppliers.cj.client import CJSupplier
        from nexusone.suppliers.cj.sandbox.catalog import build_catalog
        from nexusone.suppliers.cj.tokens import cj_account_key

        merchant = create_merchant(name="Bench", email="bench@example.com", password="bench-pass-2026").merchant
        account = set_api_key(merchant, "sandbox-key", qps=args.qps)
        cache.delete(f"supplier:cj:login:{cj_account_key(account)}")
        CJSupplier(account).connect()
        catalog, _ = build_catalog(count=args.products)
        for product in catalog.values():
            variants = [
                (v.vid, v.sku, v.name_en, Decimal(v.sell_price), sum(cj + factory for cj, factory in v.stock.values()))
                for v in product.variants
            ]
            add_product(merchant, product.pid, product.name_en, product.sku, variants)
        control(sandbox_url, "tick", {"changes": args.ticks})
        control(sandbox_url, "state", {"reset_stats": True})

        started = time.perf_counter()
        run = actions.start_sync(merchant, SyncTrigger.MANUAL, run_now=True)
        elapsed = time.perf_counter() - started
        stats = control(sandbox_url, "state")["stats"]
    finally:
        sandbox.terminate()
        sandbox.wait(timeout=10)

    calls = stats["calls"]
    floor = calls / args.qps
    print(f"products: {args.products}  QPS limit: {args.qps}  status: {run.status}")
    print(f"checked {run.processed}/{run.total}, changed {run.changed}, failed {run.failed}")
    print(f"API calls: {calls} (the run counted {run.api_calls}; {calls / max(run.total, 1):.2f} per product)")
    print(f"rate-limit errors received (1600200): {stats['rate_limited']}")
    print(f"wall time: {elapsed:.1f} s; floor (calls / QPS): {floor:.1f} s; ratio {elapsed / floor:.3f} (goal ≤ 1.15)")


if __name__ == "__main__":
    main()
