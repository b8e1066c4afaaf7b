"""Demo data for `seed_demo`: inventory settings and a daily schedule."""

from __future__ import annotations

from typing import Any

from .actions import get_inventory_settings, schedule_syncs


def seed_inventory(merchant: Any, stdout: Any) -> None:
    inventory_settings = get_inventory_settings(merchant)
    schedule_syncs(merchant, inventory_settings)
    stdout.write(
        f"Inventory: settings ready, {inventory_settings.get_sync_frequency_display().lower()} sync scheduled."
    )
