"""Planned refreshes: one django-celery-beat task per merchant running a planned cycle every quarter hour.

The schedule the merchant picks (hourly, daily, weekly) is the freshness target the planner aims at within
CJ's daily points (`planner`); the beat task itself runs as often whatever the target, off removes it."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from nexusone.accounts.choices import SyncFrequency

if TYPE_CHECKING:
    from django_celery_beat.models import PeriodicTask

    from nexusone.accounts.models import Merchant

    from ..models import InventorySettings

SCHEDULED_SYNC_TASK = "inventory.scheduled_sync"
RUN_SYNC_TASK = "inventory.run_sync"  # inventory.tasks.run_sync_task
CYCLE_MINUTES = 15  # a planned cycle this often; each spends its slice of the day's points


def schedule_name(merchant: Merchant) -> str:
    return f"inventory-sync:{merchant.pk}"


def schedule_offset(merchant: Merchant) -> tuple[int, int, int]:
    """(minute, hour, weekday) spread by merchant id so merchants do not all start at once."""
    digest = int(hashlib.sha256(str(merchant.pk).encode()).hexdigest(), 16)
    return digest % 60, (digest // 60) % 24, (digest // 1440) % 7


def first_cycle_minute(merchant: Merchant) -> int:
    """The minute past each hour of the merchant's first cycle: its offset within a quarter hour."""
    return schedule_offset(merchant)[0] % CYCLE_MINUTES


def cycle_minutes(merchant: Merchant) -> str:
    """The crontab minutes of the merchant's cycles: every CYCLE_MINUTES from its first minute of the hour."""
    return ",".join(str(minute) for minute in range(first_cycle_minute(merchant), 60, CYCLE_MINUTES))


def next_cycle_at(merchant: Merchant, now: datetime) -> datetime:
    """The merchant's next planned cycle after `now` (one of its `cycle_minutes`)."""
    start = now.replace(minute=first_cycle_minute(merchant), second=0, microsecond=0)
    while start <= now:
        start += timedelta(minutes=CYCLE_MINUTES)
    return start


def allowed_frequency(merchant: Merchant, frequency: str) -> str:
    """The frequency the plan allows: hourly falls back to daily on a plan without it."""
    allowed = merchant.capabilities.sync_frequencies
    if frequency in allowed:
        return frequency
    return SyncFrequency.DAILY if SyncFrequency.DAILY in allowed else SyncFrequency.OFF


def schedule_syncs(merchant: Merchant, inventory_settings: InventorySettings) -> PeriodicTask | None:
    """Create, update or remove the merchant's periodic sync task. Returns the task or None."""
    from django_celery_beat.models import CrontabSchedule, PeriodicTask

    frequency = allowed_frequency(merchant, inventory_settings.sync_frequency)
    if frequency == SyncFrequency.OFF:
        PeriodicTask.objects.filter(name=schedule_name(merchant)).delete()
        return None
    crontab = {"minute": cycle_minutes(merchant), "hour": "*", "day_of_week": "*"}
    schedule, _ = CrontabSchedule.objects.get_or_create(**crontab, day_of_month="*", month_of_year="*", timezone="UTC")
    task, _ = PeriodicTask.objects.update_or_create(
        name=schedule_name(merchant),
        defaults={
            "task": SCHEDULED_SYNC_TASK,
            "crontab": schedule,
            "interval": None,
            "args": json.dumps([str(merchant.pk)]),
            "enabled": True,
            "description": f"Planned inventory refresh of {merchant.name} ({frequency} target)",
        },
    )
    return task
