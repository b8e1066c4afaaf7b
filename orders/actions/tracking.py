"""Tracking: packages and their events upserted idempotently, polling, and the supplier's view of an order applied."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from nexusone.suppliers.base import SupplierError, SupplierOrder, SupplierUnavailable, TrackingInfo
from nexusone.suppliers.errors import SupplierNotConnected
from nexusone.suppliers.registry import get_supplier

from ..choices import CANCELLABLE, EventSource, LogOutcome, OrderStatus, SubmissionState
from ..models import Order, Shipment, SupplierSubmission, TrackingEvent
from .commission import reverse_commission
from .errors import SupplierUnreachable
from .outbox import accept_submission
from .reservations import give_back_stock
from .settings import get_supplier_account
from .status import (
    AWAITING_PAYMENT_STATUSES,
    SUPPLIER_STATUS_MAP,
    advance_from_supplier,
    lock_order,
    log_step,
    transition_order,
)

logger = logging.getLogger(__name__)


def next_poll_at(shipment: Shipment, now: datetime | None = None) -> datetime | None:
    """Poll more often as delivery nears: daily at first, then every few hours, hourly at the last mile."""
    if shipment.delivered:
        return None
    now = now or timezone.now()
    status = (shipment.status or "").lower()
    if any(word in status for word in ("out for delivery", "pickup", "last mile", "arrived", "customs")):
        return now + timedelta(hours=1)
    age = now - (shipment.created_at or now)
    if age < timedelta(days=3):
        return now + timedelta(hours=12)
    if age < timedelta(days=7):
        return now + timedelta(hours=6)
    return now + timedelta(hours=2)


@transaction.atomic(savepoint=False)
def apply_tracking(order: Order, info: TrackingInfo, *, source: str = EventSource.POLLING) -> Shipment:
    """Upsert a package and its events (idempotent), then move the order to shipped or delivered."""
    order = lock_order(order)  # the order first, then its packages: one lock order for every writer
    shipment, _ = Shipment.objects.get_or_create(
        merchant_id=order.merchant_id,
        order=order,
        tracking_number=info.tracking_number,
        defaults={"carrier": info.carrier},
    )
    for attr, value in (
        ("carrier", info.carrier),
        ("status", info.status),
        ("tracking_url", info.tracking_url),
        ("last_mile_tracking_number", info.last_mile_tracking_number),
    ):
        if value:
            setattr(shipment, attr, value[: shipment._meta.get_field(attr).max_length])
    if info.delivered:
        shipment.delivered = True
    if info.events:
        TrackingEvent.objects.bulk_create(
            [
                TrackingEvent(
                    merchant_id=order.merchant_id,
                    shipment=shipment,
                    occurred_at=event.occurred_at,
                    status=event.status[:200],
                    description=event.description[:500],
                    location=event.location[:200],
                )
                for event in info.events
            ],
            ignore_conflicts=True,
        )
        latest = max(event.occurred_at for event in info.events)
        if shipment.last_event_at is None or latest > shipment.last_event_at:
            shipment.last_event_at = latest
    shipment.next_poll_at = next_poll_at(shipment)
    shipment.save()

    if info.delivered and not order.shipments.filter(delivered=False).exists():
        moved = advance_from_supplier(order, OrderStatus.DELIVERED, source=source, note=info.tracking_number)
    else:
        moved = advance_from_supplier(order, OrderStatus.SHIPPED, source=source, note=info.tracking_number)
    if moved:
        log_step(order, f"tracking.{order.status}", LogOutcome.OK, f"{info.tracking_number} ({info.carrier})")
    shipment.order = order  # as locked and moved here
    return shipment


def refresh_tracking(order: Order) -> Order:
    """Ask the supplier for the order's status and every package's tracking now."""
    order = Order.objects.select_related("merchant").get(pk=order.pk)
    account = get_supplier_account(order.merchant)
    if account is None:
        raise SupplierNotConnected()
    supplier = get_supplier(account)
    try:
        supplier_order = supplier.get_order(order.external_order_id) if order.external_order_id else None
        numbers = set(order.shipments.values_list("tracking_number", flat=True))
        if supplier_order is not None:
            numbers.update(n for n in supplier_order.tracking_numbers if n)
        infos = supplier.get_tracking(sorted(numbers)) if numbers else []
    except SupplierUnavailable as exc:
        raise SupplierUnreachable() from exc
    with transaction.atomic():
        if supplier_order is not None:
            apply_supplier_order(order, supplier_order, source=EventSource.POLLING)
        for info in infos:
            apply_tracking(order, info, source=EventSource.POLLING)
        Shipment.objects.filter(order=order).update(last_polled_at=timezone.now())
    order.refresh_from_db()
    return order


def apply_supplier_order(order: Order, supplier_order: SupplierOrder, *, source: str) -> Order:
    """Bring our order in line with the supplier's view of it (never backwards)."""
    with transaction.atomic():
        order = lock_order(order)
        status_text = (supplier_order.status or "").upper()
        if status_text and status_text != order.supplier_status:
            order.supplier_status = status_text
            order.awaiting_payment = status_text in AWAITING_PAYMENT_STATUSES
            if supplier_order.order_id and not order.external_order_id:
                order.external_order_id = supplier_order.order_id
            order.save(update_fields=["supplier_status", "awaiting_payment", "external_order_id", "updated_at"])
        mapped = SUPPLIER_STATUS_MAP.get(status_text)
        if order.status == OrderStatus.PENDING and mapped and mapped != OrderStatus.CANCELLED:
            # News of an order we have not seen accepted yet: accept it first (stock, commission), then advance.
            submission = SupplierSubmission.objects.select_for_update().filter(order=order).first()
            if submission is not None and submission.state != SubmissionState.ACCEPTED:
                order = accept_submission(submission, supplier_order)
        if mapped == OrderStatus.CANCELLED:
            if order.status in CANCELLABLE:
                give_back_stock(order)
                reverse_commission(order, None, note="cancelled by CJ")
                transition_order(order, OrderStatus.CANCELLED, source=source, note="Cancelled at CJ")
            else:
                log_step(order, "status.ignored", LogOutcome.IGNORED, f"CJ cancelled; order is {order.status}.")
        elif mapped:
            advance_from_supplier(order, mapped, source=source)
        if supplier_order.tracking_numbers and mapped in (OrderStatus.SHIPPED, OrderStatus.DELIVERED):
            for number in supplier_order.tracking_numbers:
                apply_tracking(
                    order,
                    TrackingInfo(
                        tracking_number=number,
                        carrier=supplier_order.logistic_name,
                        delivered=mapped == OrderStatus.DELIVERED,
                    ),
                    source=source,
                )
    return order


def due_shipment_ids(limit: int = 500) -> list[Any]:
    now = timezone.now()
    return list(
        Shipment.objects.filter(
            delivered=False,
            order__status__in=[OrderStatus.SHIPPED, OrderStatus.PROCESSING, OrderStatus.CONFIRMED],
        )
        .filter(Q(next_poll_at__isnull=True) | Q(next_poll_at__lte=now))
        .order_by("next_poll_at")
        .values_list("pk", flat=True)[:limit]
    )


def poll_tracking(shipment_ids: list[Any]) -> int:
    """Poll the supplier for due packages, grouped per merchant account; returns packages updated."""
    shipments = Shipment.objects.filter(pk__in=shipment_ids).select_related("order", "order__merchant")
    by_merchant: dict[Any, list[Shipment]] = {}
    for shipment in shipments:
        by_merchant.setdefault(shipment.merchant_id, []).append(shipment)
    updated = 0
    for group in by_merchant.values():
        account = get_supplier_account(group[0].order.merchant)
        if account is None:
            continue
        try:
            infos = get_supplier(account).get_tracking([s.tracking_number for s in group])
        except SupplierError as exc:
            logger.warning("Tracking poll failed for merchant %s: %s", group[0].merchant_id, exc)
            continue
        by_number = {info.tracking_number: info for info in infos}
        for shipment in group:
            info = by_number.get(shipment.tracking_number)
            if info is not None:
                apply_tracking(shipment.order, info, source=EventSource.POLLING)
                updated += 1
                Shipment.objects.filter(pk=shipment.pk).update(last_polled_at=timezone.now())
            else:
                Shipment.objects.filter(pk=shipment.pk).update(
                    last_polled_at=timezone.now(), next_poll_at=timezone.now() + timedelta(hours=6)
                )
    return updated


def tracking_payload(order: Order) -> dict[str, Any]:
    shipments = list(order.shipments.all())
    events = []
    for shipment in shipments:
        for event in shipment.events.all():
            events.append(
                {
                    "occurred_at": event.occurred_at,
                    "status": event.status,
                    "description": event.description,
                    "location": event.location,
                    "tracking_number": shipment.tracking_number,
                }
            )
    events.sort(key=lambda e: e["occurred_at"], reverse=True)
    first = shipments[0] if shipments else None
    return {
        "order_id": str(order.pk),
        "status": order.status,
        "tracking_number": first.tracking_number if first else "",
        "carrier": first.carrier if first else "",
        "tracking_url": first.carrier_link if first else "",
        "packages": [
            {
                "tracking_number": s.tracking_number,
                "carrier": s.carrier,
                "status": s.status,
                "delivered": s.delivered,
                "tracking_url": s.carrier_link,
            }
            for s in shipments
        ],
        "events": events,
    }
