"""What a planned cycle may spend and what a read costs: the day's background points left, spread over the
cycles to CJ's reset (00:00 UTC), at the cost per read from CJ's points table (`accounting.POINTS`)."""

from __future__ import annotations

import math
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.db.models import Sum

from nexusone.suppliers.actions import get_supplier_account
from nexusone.suppliers.cj.accounting import points_for
from nexusone.suppliers.cj.points import PointsLedger, PointsStatus, next_reset

from ...choices import SyncTrigger
from ...models import SyncRun
from ..schedules import CYCLE_MINUTES

if TYPE_CHECKING:
    from nexusone.accounts.models import Merchant

MESSAGE_BURST_MARGIN = 2  # messages come in bursts: hold back twice today's pace, so the last cycles leave room
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


def cycle_budget(status: PointsStatus, now: datetime, *, held_for_messages: int = 0) -> int:
    """Points this cycle may spend: what background work has left today (the reserve is never touched), less
    what CJ's messages will likely need before the reset, divided evenly over the cycles left; nothing while
    CJ says the points ran out."""
    if status.exhausted:
        return 0
    return max(0, status.background_remaining - held_for_messages) // cycles_left(now)


def message_points_expected(merchant: Merchant, now: datetime) -> int:
    """The points re-reads on CJ's messages may spend before the reset: today's pace so far, with a margin
    for bursts (their reads are background too: the planner leaves room for them instead of spending it all)."""
    day_start = next_reset(now) - timedelta(days=1)
    elapsed = (now - day_start).total_seconds()
    if elapsed < CYCLE_MINUTES * 60:
        return 0
    calls = (
        SyncRun.objects.for_merchant(merchant)
        .filter(trigger=SyncTrigger.WEBHOOK, created_at__gte=day_start, created_at__lte=now)
        .aggregate(calls=Sum("api_calls"))["calls"]
        or 0
    )
    at_pace = calls * stock_read_cost() * (next_reset(now) - now).total_seconds() / elapsed
    return round(at_pace * MESSAGE_BURST_MARGIN)


def points_status(merchant: Merchant, now: datetime) -> PointsStatus | None:
    """Today's points of the merchant's CJ account; None without a connection."""
    account = get_supplier_account(merchant)
    return PointsLedger(account).status(now) if account is not None else None
