"""Benchmark: import 500 products from the standalone CJ sandbox at QPS 20.

Starts `manage.py cj_sandbox --qps 20 --products 500`, connects a Premium merchant's CJ
account (QPS 20), starts one import job of every sandbox PID and runs it in this process.
Prints the wall time of the run against the floor of CJ calls ÷ QPS (goal ≤ 1.15×) and
the database queries per imported product (goal ≤ 3), split into the import's own writes
and the CJ client's bookkeeping (call log rows, tokens).

The database is a throwaway SQLite file unless --database-url names another (a PostgreSQL
URL is used as given: point it at a scratch database). Without the CJ sandbox in the tree,
`--fake` measures queries per product with the in-memory FakeSupplier (no HTTP, no timing).

Usage: python bench/import.py [--products 500] [--qps 20] [--database-url URL] [--fake]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from cj_client import control, free_port, wait_until_up  # noqa: E402


def setup_django(database_url: str, base_url: str) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ["CJ_API_BASE_URL"] = base_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nexusone.settings")
    os.environ.setdefault("DEBUG", "true")
    os.environ["LOG_LEVEL"] = "WARNING"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def table_of(sql: str) -> str:
    for keyword in ("INSERT INTO ", "UPDATE ", "FROM "):
        if keyword in sql:
            return sql.split(keyword, 1)[1].split()[0].strip('"')
    return sql.split()[0]


def run_import(merchant, pids: list[str], supplier=None):
    """Start and run one job in-process; returns (job, seconds, captured queries)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from imports import actions, tasks

    tasks.run_import_job_task.delay = lambda job_id: None  # run below, in this process, measured
    job = actions.start_import(merchant, source="ids", inputs=pids)
    with CaptureQueriesContext(connection) as captured:
        started = time.perf_counter()
        job = actions.run_import_job(job.pk, supplier=supplier)
        seconds = time.perf_counter() - started
    return job, seconds, captured.captured_queries


def report_queries(job, queries) -> None:
    by_table = Counter(table_of(q["sql"]) for q in queries)
    supplier_tables = {t: n for t, n in by_table.items() if t.startswith("suppliers_")}
    own = len(queries) - sum(supplier_tables.values())
    imported = max(job.imported, 1)
    print(
        f"job: {job.status}; imported {job.imported} of {job.requested}, failed {job.failed}, api calls {job.api_calls}"
    )
    print(f"DB queries during the run: {len(queries)} = {len(queries) / imported:.2f} per imported product (goal <= 3)")
    print(f"  the import's own queries: {own} = {own / imported:.2f} per product")
    if supplier_tables:
        print(f"  CJ client bookkeeping: {supplier_tables}")
    print("  by table: " + ", ".join(f"{t} {n}" for t, n in by_table.most_common()))


def bench_fake(args) -> None:
    database_url = args.database_url or f"sqlite:///{tempfile.mkdtemp(prefix='nexusone-bench-')}/bench.sqlite3"
    setup_django(database_url, "http://fake.invalid/api2.0/v1")
    from nexusone.accounts.actions import create_merchant
    from nexusone.suppliers.actions import set_api_key
    from tests.fakes import FakeSupplier

    merchant = create_merchant(
        name="Bench", email=f"bench-import-{time.time_ns()}@example.com", password="bench-pass-2026", plan="premium"
    ).merchant
    set_api_key(merchant, "fake")
    fake = FakeSupplier()
    pids = [f"{1424608189734850560 + n}" for n in range(args.products)]
    for index, pid in enumerate(pids):
        fake.add_product(pid, variants=1 + index % 8)
    job, seconds, queries = run_import(merchant, pids, supplier=fake)
    print(f"FakeSupplier (no HTTP, no rate limit): {args.products} products in {seconds:.2f} s")
    report_queries(job, queries)


def bench_sandbox(args) -> None:
    port = free_port()
    sandbox_url = f"http://127.0.0.1:{port}"
    base_url = f"{sandbox_url}/api2.0/v1"
    database_url = args.database_url or f"sqlite:///{tempfile.mkdtemp(prefix='nexusone-bench-')}/bench.sqlite3"
    env = {**os.environ, "DEBUG": "true", "DATABASE_URL": database_url, "LOG_LEVEL": "WARNING"}
    command = [sys.executable, str(ROOT / "manage.py"), "cj_sandbox", "--port", str(port)]
    command += ["--qps", str(args.qps), "--products", str(args.products)]
    sandbox = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_until_up(sandbox_url)
        setup_django(database_url, base_url)
        from django.core.cache import cache

        from nexusone.accounts.actions import create_merchant
        from nexusone.suppliers.actions import set_api_key
        from nexusone.suppliers.cj.client import CJSupplier
        from nexusone.suppliers.cj.sandbox.catalog import build_catalog
        from nexusone.suppliers.cj.tokens import cj_account_key

        merchant = create_merchant(
            name="Bench", email=f"bench-import-{time.time_ns()}@example.com", password="bench-pass-2026", plan="premium"
        ).merchant
        account = set_api_key(merchant, "sandbox-key", qps=args.qps)
        cache.delete(f"supplier:cj:login:{cj_account_key(account)}")
        CJSupplier(account).connect()
        pids = list(build_catalog(count=args.products)[0])
        control(sandbox_url, "state", {"reset_stats": True})
        time.sleep(1.5)  # let the limiter's bucket settle so the run starts from a steady state
        job, seconds, queries = run_import(merchant, pids)
        stats = control(sandbox_url, "state")["stats"]
    finally:
        sandbox.terminate()
        sandbox.wait(timeout=10)

    calls = stats["calls"]
    floor = calls / args.qps
    print(f"products: {args.products}  QPS limit: {args.qps}  database: {database_url.split(':', 1)[0]}")
    print(f"CJ calls: {calls} ({json.dumps(stats['by_path'])}); rate-limit errors: {stats['rate_limited']}")
    print(
        f"wall time: {seconds:.1f} s; floor (calls / QPS): {floor:.1f} s; ratio {seconds / floor:.3f}x (goal <= 1.15x)"
    )
    report_queries(job, queries)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--products", type=int, default=500)
    parser.add_argument("--qps", type=int, default=20)
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", ""))
    parser.add_argument("--fake", action="store_true", help="in-memory FakeSupplier: queries only")
    args = parser.parse_args()
    sandbox_present = (ROOT / "nexusone" / "suppliers" / "cj" / "sandbox").is_dir()
    if args.fake or not sandbox_present:
        if not args.fake:
            print("The CJ sandbox is not in this tree: measuring with the FakeSupplier (queries only).")
        bench_fake(args)
    else:
        bench_sandbox(args)


if __name__ == "__main__":
    main()
