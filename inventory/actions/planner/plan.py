"""The freshness plan a merchant sees: how much of the catalog its schedule (the freshness target) keeps fresh
within the day's CJ points, said plainly, and what would help."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from django.db.models import Count, Q
from django.utils import timezone

from nexusone.accounts.choices import SyncFrequency
from nexusone.suppliers.cj.points import PointsBalance, daily_budget, reserve_percent

from ...choices import PRICE_CYCLE_HOURS, PriceCycle
from ...models import InventorySettings, Product
from ..preferences import get_inventory_settings
from ..schedules import allowed_frequency, next_cycle_at
from . import budget
from .capacity import Costs, Groups, Split, split
from .priorities import low_stock, recently_sold, target_hours

if TYPE_CHECKING:
    from nexusone.accounts.models import Merchant


@dataclass(frozen=True)
class FreshnessPlan:
    target: str  # the schedule: hourly, daily, weekly (or off)
    products: int
    at_target: int  # refreshed at the target (subscribed ones: CJ's messages plus the daily check)
    at_daily: int  # read at least daily, not as often as the target
    behind: int  # read less often than daily
    points_needed_per_day: int  # every product at its target, and the daily check
    points_available_per_day: int  # the day's points less the reserve for imports, quotes and orders
    next_cycle_at: datetime | None
    message: str
    advice: tuple[str, ...]


def freshness_plan(merchant: Merchant, now: datetime | None = None, *, available: int | None = None) -> FreshnessPlan:
    """What the merchant's schedule achieves within today's CJ points (`available`: the day's points less the
    reserve, when the caller has read them already; None reads them)."""
    now = now or timezone.now()
    inventory_settings = get_inventory_settings(merchant)
    frequency = allowed_frequency(merchant, inventory_settings.sync_frequency)
    groups = catalog_groups(merchant, inventory_settings, now)
    if available is None:
        available = available_per_day(merchant, now)
    hours = target_hours(frequency)
    if hours is None:
        message = "Scheduled refreshes are off: only CJ's messages and the checks before ordering keep stock fresh."
        return FreshnessPlan(frequency, groups.total, 0, 0, groups.total, 0, available, None, message, ())
    costs = read_costs(inventory_settings)
    result = split(groups, 24 / hours, costs, available)
    return FreshnessPlan(
        target=frequency,
        products=groups.total,
        at_target=result.at_target,
        at_daily=result.at_daily,
        behind=result.behind,
        points_needed_per_day=result.points_needed,
        points_available_per_day=available,
        next_cycle_at=next_cycle_at(merchant, now),
        message=plan_message(frequency, groups.total, result),
        advice=plan_advice(frequency, groups, result, costs, inventory_settings, available),
    )


def read_costs(inventory_settings: InventorySettings) -> Costs:
    return Costs(
        stock=budget.stock_read_cost(),
        price=budget.price_read_cost(),
        price_reads_per_day=24 / PRICE_CYCLE_HOURS[inventory_settings.price_cycle],
    )


def available_per_day(merchant: Merchant, now: datetime) -> int:
    """The day's points less the reserve, read for the merchant's CJ account."""
    return points_available(budget.points_status(merchant, now))


def points_available(points: PointsBalance | None) -> int:
    """The day's points less the reserve: CJ's figures for a connected account, CJ's base otherwise (None)."""
    if points is not None:
        return points.background_budget
    total = daily_budget()
    return total - total * reserve_percent() // 100


def catalog_groups(merchant: Merchant, inventory_settings: InventorySettings, now: datetime) -> Groups:
    needy = low_stock(inventory_settings) | Q(pk__in=recently_sold(merchant, now))
    subscribed = Q(freshness__subscribed_at__isnull=False)
    counts = Product.objects.for_merchant(merchant).aggregate(
        needy=Count("pk", filter=needy),
        subscribed=Count("pk", filter=~needy & subscribed),
        total=Count("pk"),
    )
    unsubscribed = counts["total"] - counts["needy"] - counts["subscribed"]
    return Groups(needy=counts["needy"], unsubscribed=unsubscribed, subscribed=counts["subscribed"])


def plan_message(frequency: str, products: int, result: Split) -> str:
    word = SyncFrequency(frequency).label.lower()
    if not products:
        return "No products to refresh yet."
    if result.at_target == products:
        return f"All {products:,} products refresh {word} within your CJ points."
    parts = [f"{result.at_target:,} products refresh {word} within your CJ points"]
    if result.at_daily:
        parts.append(f"{result.at_daily:,} daily")
    if result.behind:
        parts.append(f"{result.behind:,} less often than daily")
    return "; ".join(parts) + "."


def plan_advice(
    frequency: str,
    groups: Groups,
    result: Split,
    costs: Costs,
    inventory_settings: InventorySettings,
    available: int,
) -> tuple[str, ...]:
    """What would bring more of the catalog to its target; nothing when all of it is there."""
    if result.at_target == groups.total:
        return ()
    advice = []
    if groups.unsubscribed:
        advice.append(
            f"{groups.unsubscribed:,} products are not covered by CJ's messages: subscribe them "
            "(Settings → CJ webhooks); a covered product needs only a daily check."
        )
    if frequency == SyncFrequency.HOURLY:
        fit = int(available // costs.per_day(24)) if available else 0
        advice.append(f"Fewer products on hourly: about {fit:,} fit in your points; a daily target suits the rest.")
    if inventory_settings.price_cycle != PriceCycle.WEEKLY:
        advice.append(
            "Read prices weekly: CJ's price messages arrive in between, and each price read costs "
            f"{costs.price} points."
        )
    advice.append(
        "CJ's points grow with your sales: 100 more a day per USD of your best monthly sales of the last three months."
    )
    return tuple(advice)
