"""CJ's points table, calls per CJ account per day (cache counters), and the SupplierCallLog rows.

The points themselves (budget, reserve, exhaustion) are counted by the ledger in `points.py`."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

logger = logging.getLogger("nexusone.suppliers.cj")

# CJ's points per call (CJ_API.md §3); every other endpoint costs 0. The one table: the client counts
# what it spends with it, and the sandbox charges with it.
POINTS = {
    "product/listV2": 50,
    "product/list": 50,
    "product/query": 10,
    "product/variant/query": 10,
    "product/variant/queryByVid": 10,
    "product/stock/queryByVid": 10,
    "product/stock/queryBySku": 10,
    "product/stock/getInventoryByPid": 10,
    "logistic/freightCalculate": 10,
    "logistic/freightCalculateTip": 10,
    "webhook/product/subscribe": 10,
    "webhook/product/unsubscribe": 10,
    "product/queryProductsByImage": 1000,
}
CALL_LOG_RETENTION = timedelta(days=7)


def points_for(endpoint: str) -> int:
    """What one call to `endpoint` (a path under api2.0/v1/, e.g. "product/query") costs in CJ points."""
    return POINTS.get(endpoint, 0)


def _day(now: datetime | None = None) -> str:
    return (now or datetime.now(UTC)).strftime("%Y%m%d")  # CJ's points reset at 00:00 UTC


def _key(account_id: object, what: str, day: str) -> str:
    return f"supplier:usage:{account_id}:{day}:{what}"


def _incr(key: str, amount: int) -> None:
    cache.add(key, 0, timeout=2 * 86400)
    try:
        cache.incr(key, amount)
    except ValueError:
        cache.set(key, amount, timeout=2 * 86400)


@dataclass(frozen=True)
class Usage:
    calls: int
    errors: int


def count_call(account_id: object, endpoint: str, *, ok: bool) -> None:
    day = _day()
    _incr(_key(account_id, "calls", day), 1)
    if not ok:
        _incr(_key(account_id, "errors", day), 1)


def usage_today(account_id: object) -> Usage:
    day = _day()
    values = cache.get_many([_key(account_id, what, day) for what in ("calls", "errors")])
    return Usage(
        calls=int(values.get(_key(account_id, "calls", day)) or 0),
        errors=int(values.get(_key(account_id, "errors", day)) or 0),
    )


def write_call_log(account, **fields) -> None:
    """Record one HTTP call; logging must never break the supplier call itself."""
    if not getattr(settings, "CJ_CALL_LOG_ENABLED", True) or account._state.adding:
        return
    from nexusone.suppliers.models import SupplierCallLog

    try:
        SupplierCallLog.objects.create(merchant_id=account.merchant_id, account=account, **fields)
    except Exception:  # e.g. no database in this thread; the call matters more than its log
        logger.warning("could not write a supplier call log row for %s", fields.get("endpoint"), exc_info=True)


def prune_call_logs(now: datetime | None = None) -> int:
    from nexusone.suppliers.models import SupplierCallLog

    deleted, _ = SupplierCallLog.objects.filter(created_at__lt=(now or timezone.now()) - CALL_LOG_RETENTION).delete()
    return deleted
