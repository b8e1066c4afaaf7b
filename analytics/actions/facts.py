"""What one order adds to the rollups: a pure function of the order, its lines and its commission ledger.

Incremental updates and `rebuild_analytics` both call `order_contribution`, so both give the same rows.
"""

from __future__ import annotations

import math
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import ROUND_DOWN, Decimal
from typing import Any
from zoneinfo import ZoneInfo

from orders.choices import OrderStatus

from ..choices import STAGE_TIMESTAMPS
from ..models import ORDER_COUNTERS, ORDER_FIGURES, ORDER_MONEY, ZERO

CENT = Decimal("0.01")

# Fulfillment-time buckets (hours): fine where times are short, coarser as they grow, so a store's day holds
# at most ~75 counters per stage however many orders it has. A percentile reads as its bucket's middle.
BUCKET_EDGES: tuple[float, ...] = (
    *(i * 0.5 for i in range(12)),  # under 6 h: half hours
    *range(6, 48, 2),  # under 2 days: 2 h
    *range(48, 240, 12),  # under 10 days: 12 h
    *range(240, 1441, 48),  # under 60 days: 2 days; 1440 h and beyond share the last bucket
)


def bucket_of(hours: float) -> int:
    return max(0, min(bisect_right(BUCKET_EDGES, hours) - 1, len(BUCKET_EDGES) - 1))


def bucket_value(bucket: int) -> float:
    """The hours a bucket stands for: its middle (the last, open bucket: its start)."""
    if bucket >= len(BUCKET_EDGES) - 1:
        return float(BUCKET_EDGES[-1])
    return (BUCKET_EDGES[bucket] + BUCKET_EDGES[bucket + 1]) / 2


def percentile(histogram: dict[int, int], q: float) -> float | None:
    """Nearest-rank percentile of a bucket histogram (None when it is empty)."""
    total = sum(histogram.values())
    if total <= 0:
        return None
    rank = max(1, math.ceil(q * total))
    seen = 0
    for bucket in sorted(histogram):
        seen += histogram[bucket]
        if seen >= rank:
            return bucket_value(bucket)
    return bucket_value(max(histogram))


def allocate(amount: Decimal, weights: Sequence[Decimal]) -> list[Decimal]:
    """Split `amount` in cents over `weights` (largest remainder): the parts always sum to the amount."""
    if not weights:
        return []
    total = sum(weights, ZERO)
    if total <= 0:
        weights, total = [Decimal(1)] * len(weights), Decimal(len(weights))
    sign = -1 if amount < 0 else 1
    cents = int((abs(amount) / CENT).to_integral_value())
    exact = [Decimal(cents) * w / total for w in weights]
    parts = [int(x.to_integral_value(rounding=ROUND_DOWN)) for x in exact]
    by_remainder = sorted(range(len(weights)), key=lambda i: (-(exact[i] - parts[i]), i))
    for i in by_remainder[: cents - sum(parts)]:
        parts[i] += 1
    return [sign * Decimal(p) * CENT for p in parts]


@dataclass(frozen=True)
class LineFacts:
    product_id: str | None
    quantity: int
    unit_price: Decimal
    unit_cost: Decimal


@dataclass(frozen=True)
class OrderFacts:
    """The parts of an order analytics reads (from the order, or from `values()` rows in a rebuild)."""

    status: str
    total_amount: Decimal
    refunded_amount: Decimal
    shipping_cost: Decimal
    created_at: datetime
    confirmed_at: datetime | None
    shipped_at: datetime | None
    delivered_at: datetime | None
    lines: tuple[LineFacts, ...]
    commission_client: Decimal = ZERO
    commission_platform: Decimal = ZERO


def _zero_figures() -> dict[str, Any]:
    return {name: 0 for name in ORDER_COUNTERS} | {name: ZERO for name in ORDER_MONEY}


@dataclass
class Contribution:
    day: date | None = None
    totals: dict[str, Any] = field(default_factory=_zero_figures)
    products: dict[str, dict[str, Any]] = field(default_factory=dict)
    fulfillment: dict[str, int] = field(default_factory=dict)  # stage → bucket

    def to_json(self) -> dict[str, Any]:
        def dump(figures: dict[str, Any]) -> dict[str, Any]:
            return {k: str(v) if isinstance(v, Decimal) else v for k, v in figures.items()}

        return {
            "day": self.day.isoformat() if self.day else None,
            "totals": dump(self.totals),
            "products": {pid: dump(f) for pid, f in self.products.items()},
            "fulfillment": self.fulfillment,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Contribution:
        if not data or not data.get("day"):
            return cls()

        def load(figures: dict[str, Any]) -> dict[str, Any]:
            out = _zero_figures()
            for name in ORDER_FIGURES:
                if name in figures:
                    out[name] = Decimal(figures[name]) if name in ORDER_MONEY else int(figures[name])
            return out

        return cls(
            day=date.fromisoformat(data["day"]),
            totals=load(data.get("totals", {})),
            products={pid: load(f) for pid, f in data.get("products", {}).items()},
            fulfillment={stage: int(b) for stage, b in data.get("fulfillment", {}).items()},
        )


def _stage_buckets(facts: OrderFacts) -> dict[str, int]:
    buckets = {}
    for stage, start_name, end_name in STAGE_TIMESTAMPS:
        start, end = getattr(facts, start_name), getattr(facts, end_name)
        if start is not None and end is not None and end >= start:
            buckets[str(stage)] = bucket_of((end - start).total_seconds() / 3600)
    return buckets


def _split_per_product(facts: OrderFacts, counted: bool) -> dict[str, dict[str, Any]]:
    """Each product's share: its lines' units and goods cost; revenue, refunds, postage and commission pro rata."""
    weights = [line.unit_price * line.quantity for line in facts.lines]
    shares = {
        "revenue": allocate(facts.total_amount - facts.refunded_amount, weights),
        "refunds": allocate(facts.refunded_amount, weights),
        "postage": allocate(facts.shipping_cost, weights),
        "commission_client": allocate(facts.commission_client, weights),
        "commission_platform": allocate(facts.commission_platform, weights),
    }
    products: dict[str, dict[str, Any]] = {}
    for i, line in enumerate(facts.lines):
        if line.product_id is None:  # the product was deleted: the store's totals keep the sale
            continue
        figures = products.setdefault(line.product_id, _zero_figures())
        figures["orders"] = 1 if counted else 0
        figures["lines"] += 1
        figures["units"] += line.quantity if counted else 0
        figures["cost"] += line.unit_cost * line.quantity + shares["postage"][i]
        for name in ("revenue", "refunds", "commission_client", "commission_platform"):
            figures[name] += shares[name][i]
    return products


def order_contribution(facts: OrderFacts, zone: ZoneInfo) -> Contribution:
    """An order confirmed and not cancelled counts on its confirmation day; cancelled or unconfirmed: nothing.

    A fully refunded order keeps its cost (the supplier was paid) and counts no order or units."""
    if facts.confirmed_at is None or facts.status == OrderStatus.CANCELLED:
        return Contribution()
    counted = facts.refunded_amount < facts.total_amount or facts.total_amount <= 0
    totals = _zero_figures() | {
        "orders": 1 if counted else 0,
        "lines": len(facts.lines),
        "units": sum(line.quantity for line in facts.lines) if counted else 0,
        "revenue": facts.total_amount - facts.refunded_amount,
        "refunds": facts.refunded_amount,
        "cost": sum((line.unit_cost * line.quantity for line in facts.lines), ZERO) + facts.shipping_cost,
        "commission_client": facts.commission_client,
        "commission_platform": facts.commission_platform,
    }
    return Contribution(
        day=facts.confirmed_at.astimezone(zone).date(),
        totals=totals,
        products=_split_per_product(facts, counted),
        fulfillment=_stage_buckets(facts),
    )


def subtract(new: dict[str, Any], old: dict[str, Any]) -> dict[str, Any]:
    return {name: new.get(name, 0) - old.get(name, 0) for name in ORDER_FIGURES}


def is_zero(figures: dict[str, Any]) -> bool:
    return all(not value for value in figures.values())


def merge_histograms(target: dict[str, dict[str, int]], source: Iterable[tuple[str, int, int]]) -> None:
    """Add (stage, bucket, count) to a JSON histogram {stage: {bucket: count}}, dropping emptied buckets."""
    for stage, bucket, count in source:
        counts = target.setdefault(stage, {})
        key = str(bucket)
        counts[key] = counts.get(key, 0) + count
        if counts[key] == 0:
            del counts[key]
        if not counts:
            del target[stage]
