"""Storefront events (product views, clicks, add-to-carts) added to the products' days."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from inventory.models import Product
from nexusone.accounts.models import Merchant

from ..choices import EVENT_FIELDS
from ..models import ProductDay
from .periods import store_day, store_zone

MAX_AGE = timedelta(days=30)  # a storefront that was offline may send a month late, no more
CLOCK_SKEW = timedelta(minutes=10)


@dataclass(frozen=True)
class StorefrontEvent:
    product_id: Any
    type: str
    count: int = 1
    at: datetime | None = None


def _check(merchant: Merchant, events: list[StorefrontEvent], now: datetime) -> None:
    """Every event names one of the store's products and a time in the last 30 days, or nothing is recorded."""
    wanted = {str(e.product_id) for e in events}
    known = {str(pk) for pk in Product.objects.filter(merchant=merchant, pk__in=wanted).values_list("pk", flat=True)}
    errors: dict[str, str] = {}
    for i, event in enumerate(events):
        if str(event.product_id) not in known:
            errors[f"events.{i}.product_id"] = f"No product {event.product_id} in this store."
        elif event.at is not None and not (now - MAX_AGE <= event.at <= now + CLOCK_SKEW):
            errors[f"events.{i}.at"] = "Send events within 30 days of when they happened (and not in the future)."
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def record_storefront_events(merchant: Merchant, events: list[StorefrontEvent]) -> int:
    """Add a batch of events to the products' days (the store's days); returns the events counted."""
    now = timezone.now()
    _check(merchant, events, now)
    zone = store_zone(merchant)
    counts: Counter[tuple[str, Any, str]] = Counter()
    for event in events:
        day = store_day(merchant, event.at or now, zone)
        counts[(str(event.product_id), day, EVENT_FIELDS[event.type])] += event.count
    keys = sorted({(product_id, day) for product_id, day, _ in counts})  # a fixed lock order
    ProductDay.objects.bulk_create(
        [ProductDay(merchant=merchant, product_id=p, day=d) for p, d in keys], ignore_conflicts=True
    )
    for product_id, day in keys:
        increments = {name: F(name) + n for (p, d, name), n in counts.items() if (p, d) == (product_id, day)}
        ProductDay.objects.filter(merchant=merchant, product_id=product_id, day=day).update(**increments)
    return sum(counts.values())
