"""Shared set-up for benchmark scripts: Django on a throwaway PostgreSQL database, the FakeSupplier as CJ."""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = Path(__file__).resolve().parent


def _import_standard_http() -> None:
    """bench/http.py shares its name with the standard library's `http`, and a script's folder comes first on
    sys.path: import the real package once with this folder out of the way, so every later import finds it."""
    hidden = [p for p in sys.path if Path(p or ".").resolve() == BENCH]
    sys.path[:] = [p for p in sys.path if p not in hidden]
    import http.client
    import http.cookies  # noqa: F401

    sys.path[:0] = hidden


_import_standard_http()
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nexusone.settings")
os.environ.setdefault("NEXUSONE_TESTING", "true")  # fixed keys, plain HTTP
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def start() -> str:
    """Configure Django and create a fresh test database; returns its name."""
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection

    if connection.vendor != "postgresql":
        sys.exit("Benchmarks need PostgreSQL: set DATABASE_URL (make bench does).")
    import logging

    logging.getLogger("django.request").setLevel(logging.ERROR)  # 409s are expected here
    settings.ALLOWED_HOSTS = ["*"]
    settings.DEBUG = False
    from nexusone.core import tenancy
    from nexusone.core.db import roles

    # With row-level security (DATABASE_OWNER_URL set): created as the owner, run as the application role.
    app = roles.become_owner() if roles.owner_credentials() else None
    name = connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    if app is not None:
        roles.become_app(app)
        roles.setup_roles(create=True)
    # The set-up writes one store's data from this process; requests set their own context.
    _SETUP_CONTEXT.append(tenancy.bypass("benchmark set-up"))  # kept: a dropped one would end at once
    _SETUP_CONTEXT[-1].__enter__()
    return name


_SETUP_CONTEXT: list = []


def finish(old_name: str) -> None:
    from django.db import connection, connections

    from nexusone.core.db import roles

    connections.close_all()
    if connection.pool is not None:
        connection.close_pool()
    if roles.owner_credentials():
        roles.become_owner()  # the application role may not end the sessions of others, nor drop the database
    # A connection the pool was still taking back (it resets them in a worker thread) may linger a moment:
    # it would keep the throwaway database from being dropped.
    with connection._nodb_cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
            [connection.settings_dict["NAME"]],
        )
    connection.creation.destroy_test_db(old_name, verbosity=0)


def analyze(*statements: str) -> None:
    """Planner statistics, as autovacuum keeps them on a live database: run as the tables' owner (the application
    role may not ANALYZE them, and PostgreSQL only warns when it skips a table). Default: the whole database."""
    from django.db import connection

    from nexusone.core.db import roles

    with roles.owner_connection(), connection.cursor() as cursor:
        for statement in statements or ("ANALYZE",):
            cursor.execute(statement)


def install_fake_supplier():
    from nexusone.suppliers import registry
    from tests.fakes import FakeSupplier

    fake = FakeSupplier()
    registry.register("cj", lambda account: fake)
    return fake


def merchant_with_owner(plan: str = "pro"):
    from nexusone.accounts.actions import create_merchant

    setup = create_merchant(name="Bench Store", email="bench@example.com", password="bench-pass-1", plan=plan)
    return setup.merchant, setup.user


def cpu_speed() -> str:
    """A fixed pure-Python workload, printed beside figures: this shared machine's speed varies from hour to hour."""
    import time

    started = time.perf_counter()
    total = 0
    for step in range(10_000_000):
        total += step
    return f"machine: a 10M-step Python loop takes {time.perf_counter() - started:.2f} s"


PROCESSES = int(os.environ.get("BENCH_PROCESSES", str(os.cpu_count() or 1)))


def forked_pool():
    """Worker processes forked from this one (after its set-up), as an app server runs one per core.

    Close the parent's database connections and pools first: each process opens its own (a pool's worker
    threads do not survive a fork)."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    from django.db import connections

    connections.close_all()
    for connection in connections.all():
        if getattr(connection, "pool", None) is not None:
            connection.close_pool()
    pool = ProcessPoolExecutor(PROCESSES, mp_context=multiprocessing.get_context("fork"), initializer=_settle_worker)
    list(pool.map(_started, range(PROCESSES)))
    return pool


def _settle_worker() -> None:
    """Each forked process starts as a production worker does (nexusone/gunicorn_conf.py post_worker_init)."""
    from nexusone.core.runtime import settle_worker

    settle_worker()


def _started(_: int) -> int:
    import time

    time.sleep(0.3)  # long enough that every worker process takes one
    return os.getpid()


def spread(pool, job, items: list, threads: int) -> tuple[float, list]:
    """Run module-level `job(item)` over the items in every process of `pool`, `threads` threads between them.

    Returns items per second and the results (grouped by process)."""
    import time

    shares = [items[n::PROCESSES] for n in range(PROCESSES)]
    per_process = max(threads // PROCESSES, 1)
    started = time.perf_counter()
    results = [
        r for share in pool.map(_in_threads, [job] * PROCESSES, [per_process] * PROCESSES, shares) for r in share
    ]
    return len(items) / (time.perf_counter() - started), results


def _in_threads(job, threads: int, items: list) -> list:
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(threads) as pool:
        return list(pool.map(job, items))


def database_sessions() -> int:
    """Sessions PostgreSQL has seen on this database (its own count; ended sessions reach it within moments)."""
    import time

    from django.db import connection

    time.sleep(1)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute("SELECT sessions FROM pg_stat_database WHERE datname = current_database()")
        return cursor.fetchone()[0]


def stock_fields(units: int) -> dict:
    """Field values for a variant or product with `units` sellable: the supplier's count, none reserved."""
    return {"stock_quantity": units, "supplier_stock": units}


def result(figure: str, value: str, goal: str, ok: bool) -> None:
    """One line of `make bench`'s closing summary (bench/_run_all.py collects them)."""
    print(f"RESULT\t{figure}\t{value}\t{goal}\t{'pass' if ok else 'FAIL'}")
