"""What a planned cycle may spend and what a read costs: the day's background points left, spread over the
cycles to CJ's reset (00:00 UTC), at the cost per read from CJ's points table (`accounting.POINTS`)."""

from __future__ import annotations

import math
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from nexusone.suppliers.actions import get_supplier_account
from nexusone.suppliers.cj.accounting import points_for
from nexusone.suppliers.cj.points import PointsLedger, PointsStatus, next_reset

from ..schedules import CYCLE_MINUTES

if TYPE_CHECKING:
    from nexusone.accounts.models import Merchant

STOCK_READ = "product/stock/getInventoryByPid"  # every variant's stock of a product, one call
PRICE_READ = "product/query"  # the product with its costs, one more call


def stock_read_cost() -> int:
    return points_for(STOCK_READ)


def price_read_cost() -> int:
    return points_for(PRICE_READ)


def read_cost(*, with_price: bool) -> int:
    """Points of one planned read: stock alone, or stock and costs."""
    return stock_read_cost() + (price_read_cost() if with_price else 0)


def cycles_left(now: datetime) -> int:
    """Planned cycles from `now` until the reset, this one included (at least 1)."""
    seconds = (next_reset(now) - now).total_seconds()
    return max(1, math.ceil(seconds / (CYCLE_MINUTES * 60)))


def cycle_budget(status: PointsStatus, now: datetime) -> int:
    """Points this cycle may spend: what background work has left today (the reserve is never touched),
    divided evenly over the cycles left; nothing while CJ says the points ran out."""
    if status.exhausted:
        return 0
    return status.background_remaining // cycles_left(now)


def points_status(merchant: Merchant, now: datetime) -> PointsStatus | None:
    """Today's points of the merchant's CJ account; None without a connection."""
    account = get_supplier_account(merchant)
    return PointsLedger(account).status(now) if account is not None else None


def next_cycle_at(minute_offset: int, now: datetime) -> datetime:
    """The next planned cycle: the quarter-hour slots shifted by the merchant's minute offset."""
    start = now.replace(minute=0, second=0, microsecond=0) + timedelta(minutes=minute_offset % CYCLE_MINUTES)
    while start <= now:
        start += timedelta(minutes=CYCLE_MINUTES)
    return start
