"""One planned cycle: spend this cycle's slice of the day's points on the products that need a read most."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING

from django.utils import timezone

from ...choices import SyncTrigger
from ...models import SyncRun
from ..preferences import get_inventory_settings
from ..schedules import allowed_frequency
from . import budget
from .priorities import Candidate, ranked_candidates, target_hours

if TYPE_CHECKING:
    from nexusone.accounts.models import Merchant


def plan_cycle(merchant: Merchant, now: datetime, points: int) -> list[Candidate]:
    """The products this cycle reads for `points`, most needed first; their costs too when the price cycle is due."""
    inventory_settings = get_inventory_settings(merchant)
    inventory_settings.sync_frequency = allowed_frequency(merchant, inventory_settings.sync_frequency)
    if target_hours(inventory_settings.sync_frequency) is None:
        return []
    candidates = ranked_candidates(merchant, inventory_settings, now, limit=points // budget.stock_read_cost())
    return within(candidates, points)


def within(candidates: Sequence[Candidate], points: int) -> list[Candidate]:
    """The leading candidates whose reads fit in `points` (in order: the first that does not fit ends it)."""
    chosen, spent = [], 0
    for candidate in candidates:
        cost = budget.read_cost(with_price=candidate.price_due)
        if spent + cost > points:
            break
        chosen.append(candidate)
        spent += cost
    return chosen


def run_planned_cycle(
    merchant: Merchant, *, now: datetime | None = None, on_progress: Callable[[SyncRun], None] | None = None
) -> SyncRun | None:
    """Read what this cycle's points allow (stock alone unless the costs are due); None when nothing is read.

    A failed read changes nothing (the sync never zeroes stock it could not read); when CJ says the points ran
    out the ledger pauses reads until the reset and the cycle budget is 0."""
    from ..sync.run import start_sync

    now = now or timezone.now()
    status = budget.points_status(merchant, now)
    if status is None:
        return None
    points = budget.cycle_budget(status, now, held_for_messages=budget.message_points_expected(merchant, now))
    chosen = plan_cycle(merchant, now, points)
    if not chosen:
        return None
    ids = [str(c.product_id) for c in chosen]
    stock_only = [str(c.product_id) for c in chosen if not c.price_due]
    return start_sync(
        merchant, SyncTrigger.PLANNED, product_ids=ids, stock_only_ids=stock_only, run_now=True, on_progress=on_progress
    )
