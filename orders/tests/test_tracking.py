from datetime import UTC, datetime, timedelta

import pytest
from django.core import mail
from django.utils import timezone

from nexusone.suppliers.base import TrackingEvent as SupplierTrackingEvent
from nexusone.suppliers.base import TrackingInfo
from orders import actions, tasks
from orders.choices import OrderStatus
from orders.models import Shipment, TrackingEvent

from .conftest import order_input

pytestmark = pytest.mark.django_db

SCAN = SupplierTrackingEvent(
    datetime(2026, 10, 7, 14, 20, tzinfo=UTC), "In transit", "Arrived at LAX hub", "Los Angeles"
)
DELIVERED = SupplierTrackingEvent(datetime(2026, 10, 9, 10, 0, tzinfo=UTC), "Delivered", "Left at door", "Springfield")


@pytest.fixture
def order(merchant, account, variant):
    order, _ = actions.create_order(merchant, order_input(variant, 1))
    actions.submit_order(order.submission.pk)
    order.refresh_from_db()
    return order


def test_tracking_upserts_are_idempotent(order):
    info = TrackingInfo("CJPKL1", carrier="USPS", status="In transit", events=(SCAN,))

    actions.apply_tracking(order, info)
    actions.apply_tracking(order, info)
    actions.apply_tracking(order, TrackingInfo("CJPKL1", events=(SCAN, DELIVERED), delivered=True))

    assert Shipment.objects.count() == 1
    assert TrackingEvent.objects.count() == 2
    order.refresh_from_db()
    assert order.status == OrderStatus.DELIVERED
    assert order.shipped_at is not None
    assert order.delivered_at is not None


def test_every_package_is_stored_and_the_order_is_delivered_when_all_are(order):
    actions.apply_tracking(order, TrackingInfo("PKG-A"))
    actions.apply_tracking(order, TrackingInfo("PKG-B"))
    actions.apply_tracking(order, TrackingInfo("PKG-A", delivered=True))
    order.refresh_from_db()
    assert order.status == OrderStatus.SHIPPED

    actions.apply_tracking(order, TrackingInfo("PKG-B", delivered=True))
    order.refresh_from_db()
    assert order.status == OrderStatus.DELIVERED
    assert sorted(order.shipments.values_list("tracking_number", flat=True)) == ["PKG-A", "PKG-B"]


def test_polling_picks_due_shipped_packages_and_schedules_the_next_poll(order, fake_supplier):
    actions.apply_tracking(order, TrackingInfo("CJPKL1", status="In transit"))
    Shipment.objects.update(next_poll_at=timezone.now() - timedelta(minutes=1))
    fake_supplier.tracking["CJPKL1"] = TrackingInfo("CJPKL1", status="Delivered", delivered=True, events=(DELIVERED,))

    assert tasks.poll_tracking_task() == 1

    order.refresh_from_db()
    assert order.status == OrderStatus.DELIVERED
    shipment = Shipment.objects.get()
    assert shipment.last_polled_at is not None
    assert shipment.next_poll_at is None
    assert actions.due_shipment_ids() == []


def test_polls_come_more_often_as_delivery_nears(order):
    shipment = actions.apply_tracking(order, TrackingInfo("CJPKL1", status="In transit"))
    now = timezone.now()

    fresh = actions.next_poll_at(shipment, now) - now
    shipment.created_at = now - timedelta(days=8)
    late = actions.next_poll_at(shipment, now) - now
    shipment.status = "Out for delivery"
    last_mile = actions.next_poll_at(shipment, now) - now

    assert fresh > late > last_mile


def test_the_shipped_email_carries_the_tracking_link(order, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        actions.apply_tracking(order, TrackingInfo("CJPKL7160102171YQ", carrier="USPS"))

    shipped = next(m for m in mail.outbox if "on its way" in m.subject)
    assert "https://www.17track.net/en/track?nums=CJPKL7160102171YQ" in shipped.body
