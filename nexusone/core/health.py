"""Liveness and readiness checks.

`/health` touches nothing. `/health/ready` checks each dependency and answers
503 when a required one fails; the supplier circuit is reported, not required
(an open circuit is CJ's trouble, not ours, and orders wait for it).
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.utils import timezone

from .tasks import BEAT_HEARTBEAT_KEY, WORKER_HEARTBEAT_KEY

HEARTBEAT_MAX_AGE = 120  # seconds


@dataclass
class CheckResult:
    ok: bool
    detail: str = ""
    required: bool = True


def check_database() -> CheckResult:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return CheckResult(True, connection.vendor)


def check_cache() -> CheckResult:
    key, value = f"health:probe:{uuid.uuid4().hex}", "ok"
    cache.set(key, value, timeout=10)
    ok = cache.get(key) == value
    cache.delete(key)
    return CheckResult(ok, "" if ok else "cache did not return the value written")


def check_broker() -> CheckResult:
    from kombu import Connection

    url = settings.CELERY_BROKER_URL
    with Connection(url, transport_options=settings.CELERY_BROKER_TRANSPORT_OPTIONS, connect_timeout=2) as conn:
        conn.ensure_connection(max_retries=1, timeout=2)
        return CheckResult(True, url.split("://", 1)[0])


def _heartbeat(key: str, what: str) -> CheckResult:
    beat = cache.get(key)
    if beat is None:
        return CheckResult(False, f"no {what} heartbeat yet")
    age = timezone.now().timestamp() - float(beat)
    return CheckResult(age < HEARTBEAT_MAX_AGE, f"last heartbeat {age:.0f}s ago")


def check_worker() -> CheckResult:
    return _heartbeat(WORKER_HEARTBEAT_KEY, "worker")


def check_scheduler() -> CheckResult:
    return _heartbeat(BEAT_HEARTBEAT_KEY, "beat")


def check_supplier() -> CheckResult:
    from nexusone.suppliers.health import supplier_health

    ok, detail = supplier_health()
    return CheckResult(ok, detail, required=False)


CHECKS: dict[str, Callable[[], CheckResult]] = {
    "database": check_database,
    "cache": check_cache,
    "broker": check_broker,
    "worker": check_worker,
    "scheduler": check_scheduler,
    "supplier": check_supplier,
}


def run_checks() -> tuple[bool, dict[str, dict]]:
    results: dict[str, dict] = {}
    ready = True
    for name, check in CHECKS.items():
        started = time.perf_counter()
        try:
            result = check()
        except Exception as exc:  # noqa: BLE001 - a check reports any failure as its result
            result = CheckResult(False, f"{type(exc).__name__}: {exc}")
            if name == "supplier":
                result.required = False
        results[name] = {
            "ok": result.ok,
            "required": result.required,
            "detail": result.detail,
            "ms": round((time.perf_counter() - started) * 1000, 1),
        }
        if result.required and not result.ok:
            ready = False
    if settings.DEBUG:
        results["_debug"] = {"ok": True, "required": False, "detail": "DEBUG is on", "ms": 0}
    return ready, results
