"""Keeping the rollups: an order's change applies the difference from what it last added; a rebuild starts over.

Order-derived writes for one store are serialised on its merchant row (incremental updates and rebuilds alike);
storefront events, stock snapshots and ratings touch other columns with single UPDATE statements.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import F, Q, Sum

from inventory.models import Product
from nexusone.accounts.models import Merchant
from orders.models import CommissionEntry, Order, OrderLine

from ..models import ORDER_FIGURES, RATING_FIGURES, MerchantDay, OrderFact, ProductDay, Rating, StockDay
from .facts import (
    Contribution,
    LineFacts,
    OrderFacts,
    is_zero,
    merge_histograms,
    order_contribution,
    subtract,
)
from .periods import day_start, store_today, store_zone
from .versions import bump_version

if TYPE_CHECKING:
    from collections.abc import Iterable

logger = logging.getLogger(__name__)

ORDER_FIELDS = (
    "id",
    "merchant_id",
    "status",
    "total_amount",
    "refunded_amount",
    "shipping_cost",
    "created_at",
    "confirmed_at",
    "shipped_at",
    "delivered_at",
)


def lock_merchant(merchant_id: Any) -> Merchant:
    # FOR NO KEY UPDATE: serialises analytics writers without blocking rows that reference the merchant.
    return Merchant.objects.select_for_update(no_key=True).get(pk=merchant_id)


def _ledger(order_ids: Iterable[Any]) -> dict[Any, tuple[Any, Any]]:
    rows = (
        CommissionEntry.objects.filter(order_id__in=list(order_ids))
        .values("order_id")
        .annotate(client=Sum("client_share"), platform=Sum("platform_share"))
        .order_by()
    )
    return {row["order_id"]: (row["client"], row["platform"]) for row in rows}


def _lines(order_ids: Iterable[Any]) -> dict[Any, list[LineFacts]]:
    lines: dict[Any, list[LineFacts]] = defaultdict(list)
    rows = (
        OrderLine.objects.filter(order_id__in=list(order_ids))
        .order_by("order_id", "id")
        .values_list("order_id", "product_id", "quantity", "unit_price", "unit_cost")
    )
    for order_id, product_id, quantity, unit_price, unit_cost in rows:
        lines[order_id].append(LineFacts(str(product_id) if product_id else None, quantity, unit_price, unit_cost))
    return lines


def facts_for(rows: list[dict[str, Any]]) -> dict[Any, OrderFacts]:
    """OrderFacts for order `values(*ORDER_FIELDS)` rows: two more queries, whatever the number of orders."""
    ids = [row["id"] for row in rows]
    ledger, lines = _ledger(ids), _lines(ids)
    facts = {}
    for row in rows:
        client, platform = ledger.get(row["id"], (None, None))
        values = {k: v for k, v in row.items() if k not in ("id", "merchant_id")}
        facts[row["id"]] = OrderFacts(
            **values,
            lines=tuple(lines.get(row["id"], ())),
            commission_client=client if client is not None else OrderFacts.commission_client,
            commission_platform=platform if platform is not None else OrderFacts.commission_platform,
        )
    return facts


# --- incremental -------------------------------------------------------------------------------------------


def order_changed(order: Order) -> None:
    """Call when an order is confirmed, cancelled, refunded, shipped or delivered: its rollups follow on commit."""
    order_id = order.pk

    def refresh() -> None:
        from .. import tasks

        try:
            tasks.record_order_task.delay(str(order_id))
        except Exception:  # noqa: BLE001 - no broker: do it now; analytics must never break the order flow
            logger.warning("Could not queue analytics for order %s; recording it now", order_id)
            try:
                record_order(order_id)
            except Exception:
                logger.exception(
                    "Analytics of order %s not recorded; `manage.py rebuild_analytics` repairs it", order_id
                )

    transaction.on_commit(refresh)


@transaction.atomic
def record_order(order_id: Any) -> Contribution:
    """Bring the rollups in line with the order as it is now (calling it twice changes nothing)."""
    row = Order.objects.filter(pk=order_id).values(*ORDER_FIELDS).first()
    if row is None:
        return Contribution()
    merchant = lock_merchant(row["merchant_id"])
    fact, _ = OrderFact.objects.get_or_create(order_id=order_id, defaults={"merchant_id": merchant.pk})
    old = Contribution.from_json(fact.contribution)
    new = order_contribution(facts_for([row])[row["id"]], store_zone(merchant))  # (order_id may be a str)
    apply_difference(merchant.pk, old, new)
    fact.day, fact.contribution = new.day, new.to_json()
    fact.save(update_fields=["day", "contribution", "updated_at"])
    return new


def _day_differences(old: Contribution, new: Contribution) -> dict[date, dict[str, Any]]:
    days: dict[date, dict[str, Any]] = {}
    for day in {old.day, new.day} - {None}:
        before = old.totals if old.day == day else {}
        after = new.totals if new.day == day else {}
        histogram = [(s, b, -1) for s, b in old.fulfillment.items()] if old.day == day else []
        histogram += [(s, b, 1) for s, b in new.fulfillment.items()] if new.day == day else []
        days[day] = {"figures": subtract(after, before), "histogram": histogram}
    return days


def _product_differences(old: Contribution, new: Contribution) -> dict[tuple[str, date], dict[str, Any]]:
    keys = {(p, old.day) for p in old.products} | {(p, new.day) for p in new.products}
    out = {}
    for product_id, day in sorted(keys, key=lambda k: (k[0], k[1])):
        after = new.products.get(product_id, {}) if new.day == day else {}
        before = old.products.get(product_id, {}) if old.day == day else {}
        difference = subtract(after, before)
        if not is_zero(difference):
            out[(product_id, day)] = difference
    return out


def _increments(difference: dict[str, Any]) -> dict[str, Any]:
    return {name: F(name) + value for name, value in difference.items() if value}


def apply_difference(merchant_id: Any, old: Contribution, new: Contribution) -> None:
    if old.to_json() != new.to_json():
        bump_version(merchant_id)
    for day, change in sorted(_day_differences(old, new).items()):
        row, _ = MerchantDay.objects.get_or_create(merchant_id=merchant_id, day=day)
        histogram = dict(row.fulfillment)
        merge_histograms(histogram, change["histogram"])
        MerchantDay.objects.filter(pk=row.pk).update(fulfillment=histogram, **_increments(change["figures"]))
    products = _product_differences(old, new)
    existing = {
        str(pk)
        for pk in Product.objects.filter(merchant_id=merchant_id, pk__in={p for p, _ in products}).values_list(
            "pk", flat=True
        )
    }
    products = {key: value for key, value in products.items() if key[0] in existing}
    ProductDay.objects.bulk_create(
        [ProductDay(merchant_id=merchant_id, product_id=p, day=d) for p, d in products], ignore_conflicts=True
    )
    for (product_id, day), difference in products.items():
        ProductDay.objects.filter(merchant_id=merchant_id, product_id=product_id, day=day).update(
            **_increments(difference)
        )


# --- rebuild -----------------------------------------------------------------------------------------------


def rebuild(merchant: Merchant, since: date | None = None, *, batch: int = 2000) -> int:
    """Recompute the order and rating figures of the store's days from `since` (all days when None).

    Storefront events and end-of-day stock are kept (they have no other source). Idempotent. Returns the
    number of orders read."""
    zone = store_zone(merchant)
    with transaction.atomic():
        lock_merchant(merchant.pk)
        days = MerchantDay.objects.filter(merchant=merchant)
        products = ProductDay.objects.filter(merchant=merchant)
        facts = OrderFact.objects.filter(merchant=merchant)
        orders = Order.objects.filter(merchant=merchant, confirmed_at__isnull=False)
        if since is not None:
            days, products = days.filter(day__gte=since), products.filter(day__gte=since)
            facts = facts.filter(Q(day__gte=since) | Q(day__isnull=True))
            orders = orders.filter(confirmed_at__gte=day_start(merchant, since))
        zeroes = {name: 0 for name in ORDER_FIGURES + RATING_FIGURES}
        days.update(fulfillment={}, **zeroes)
        products.update(**zeroes)
        facts.delete()
        merchant_totals: dict[date, _DayTotals] = {}
        product_totals: dict[tuple[str, date], dict[str, Any]] = {}
        count = 0
        ids = list(orders.order_by("confirmed_at", "id").values_list("id", flat=True))
        for start in range(0, len(ids), batch):
            rows = list(Order.objects.filter(pk__in=ids[start : start + batch]).values(*ORDER_FIELDS))
            built = {order_id: order_contribution(f, zone) for order_id, f in facts_for(rows).items()}
            OrderFact.objects.bulk_create(
                [
                    OrderFact(merchant=merchant, order_id=i, day=c.day, contribution=c.to_json())
                    for i, c in built.items()
                ]
            )
            for contribution in built.values():
                _accumulate(merchant_totals, product_totals, contribution)
            count += len(rows)
        _write_totals(merchant, merchant_totals, product_totals)
        _rebuild_ratings(merchant, since)
        bump_version(merchant.pk)
    return count


@dataclass
class _DayTotals:
    figures: dict[str, Any] = field(default_factory=lambda: dict.fromkeys(ORDER_FIGURES, 0))
    fulfillment: dict[str, dict[str, int]] = field(default_factory=dict)


def _accumulate(
    merchant_totals: dict[date, _DayTotals],
    product_totals: dict[tuple[str, date], dict[str, Any]],
    contribution: Contribution,
) -> None:
    if contribution.day is None:
        return
    total = merchant_totals.setdefault(contribution.day, _DayTotals())
    for name in ORDER_FIGURES:
        total.figures[name] += contribution.totals[name]
    merge_histograms(total.fulfillment, [(s, b, 1) for s, b in contribution.fulfillment.items()])
    for product_id, figures in contribution.products.items():
        into = product_totals.setdefault((product_id, contribution.day), dict.fromkeys(ORDER_FIGURES, 0))
        for name in ORDER_FIGURES:
            into[name] += figures[name]


def _write_totals(
    merchant: Merchant,
    merchant_totals: dict[date, _DayTotals],
    product_totals: dict[tuple[str, date], dict[str, Any]],
) -> None:
    MerchantDay.objects.bulk_create(
        [
            MerchantDay(merchant=merchant, day=day, fulfillment=total.fulfillment, **total.figures)
            for day, total in merchant_totals.items()
        ],
        update_conflicts=True,
        unique_fields=["merchant", "day"],
        update_fields=["fulfillment", *ORDER_FIGURES],
        batch_size=1000,
    )
    existing = {str(pk) for pk in Product.objects.filter(merchant=merchant).values_list("pk", flat=True)}
    ProductDay.objects.bulk_create(
        [
            ProductDay(merchant=merchant, product_id=product_id, day=day, **figures)
            for (product_id, day), figures in product_totals.items()
            if product_id in existing
        ],
        update_conflicts=True,
        unique_fields=["merchant", "product", "day"],
        update_fields=list(ORDER_FIGURES),
        batch_size=1000,
    )


def _rebuild_ratings(merchant: Merchant, since: date | None) -> None:
    from .ratings import add_rating_to_rollups

    ratings = Rating.objects.filter(merchant=merchant)
    if since is not None:
        ratings = ratings.filter(day__gte=since)
    for rating in ratings.iterator():
        add_rating_to_rollups(rating)


# --- stock ---------------------------------------------------------------------------------------------------


@transaction.atomic
def snapshot_stock(merchant: Merchant, day: date | None = None) -> int:
    """Write today's sellable stock per product and for the store; the last snapshot of a day is its end."""
    day = day or store_today(merchant)
    stock = list(Product.objects.filter(merchant=merchant).values_list("pk", "stock_quantity"))
    StockDay.objects.bulk_create(
        [StockDay(merchant=merchant, product_id=pk, day=day, stock_end=max(q, 0)) for pk, q in stock],
        update_conflicts=True,
        unique_fields=["merchant", "product", "day"],
        update_fields=["stock_end"],
        batch_size=2000,
    )
    total = sum(max(q, 0) for _, q in stock)
    bump_version(merchant.pk)
    MerchantDay.objects.bulk_create(
        [MerchantDay(merchant=merchant, day=day, stock_end=total)],
        update_conflicts=True,
        unique_fields=["merchant", "day"],
        update_fields=["stock_end"],
    )
    return len(stock)
