from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from nexusone.core.exceptions import InvalidTransition
from nexusone.notifications.models import Notification
from orders import actions
from orders.choices import CommissionKind, OrderStatus, SubmissionState
from orders.models import CommissionEntry

from .conftest import order_input

pytestmark = pytest.mark.django_db


def _confirmed(merchant, variant, quantity=1, reference="#1001"):
    order, _ = actions.create_order(merchant, order_input(variant, quantity, reference))
    actions.submit_order(order.submission.pk)
    order.refresh_from_db()
    return order


def test_cancelling_before_submission_releases_the_reservation_and_never_sends(
    merchant, account, variant, fake_supplier
):
    order, _ = actions.create_order(merchant, order_input(variant, 3))

    actions.cancel_order(order, reason="customer changed their mind")

    order.refresh_from_db()
    variant.refresh_from_db()
    assert order.status == OrderStatus.CANCELLED
    assert (variant.stock_quantity, variant.reserved_quantity) == (10, 0)
    assert order.submission.state == SubmissionState.FAILED
    assert actions.submit_order(order.submission.pk) is None
    assert fake_supplier.create_calls() == 0


def test_cancelling_a_cj_order_that_cj_still_allows_deletes_it_and_restores_stock(
    merchant, account, variant, fake_supplier
):
    order = _confirmed(merchant, variant, 3)

    actions.cancel_order(order)

    order.refresh_from_db()
    variant.refresh_from_db()
    assert order.status == OrderStatus.CANCELLED
    assert fake_supplier.orders["#1001"].status == "CANCELLED"
    assert variant.stock_quantity == 10
    assert order.cancellation_note == "Deleted at CJ."


def test_when_cj_no_longer_allows_deleting_the_merchant_is_told_to_request_it_at_cj(
    merchant, account, variant, fake_supplier
):
    order = _confirmed(merchant, variant, 3)
    fake_supplier.cancel_allowed = False

    actions.cancel_order(order)

    order.refresh_from_db()
    variant.refresh_from_db()
    assert order.status == OrderStatus.CANCELLED
    assert "request the cancellation at CJ" in order.cancellation_note
    assert Notification.objects.filter(merchant=merchant, event="order.cancel_at_cj").exists()
    assert variant.stock_quantity == 7  # CJ still holds the units for this order


def test_a_shipped_order_cannot_be_cancelled(merchant, account, variant, fake_supplier):
    order = _confirmed(merchant, variant)
    fake_supplier.set_order_status("#1001", "SHIPPED", "T1")
    actions.refresh_tracking(order)
    order.refresh_from_db()

    with pytest.raises(InvalidTransition):
        actions.cancel_order(order)


def test_a_pending_order_cannot_be_refunded(merchant, account, variant):
    order, _ = actions.create_order(merchant, order_input(variant, 1))

    with pytest.raises(InvalidTransition):
        actions.refund_order(order)


def test_confirming_writes_a_sale_split_thirty_seventy_in_cents(merchant, account, variant):
    order = _confirmed(merchant, variant, 1)  # 12.00 + 5.50 shipping = 17.50

    sale = CommissionEntry.objects.get(order=order)
    assert sale.kind == CommissionKind.SALE
    assert sale.amount == Decimal("17.50")
    assert sale.client_share == Decimal("5.25")
    assert sale.platform_share == Decimal("12.25")


@pytest.mark.parametrize(
    ("amount", "rate", "client", "platform"),
    [
        ("0.01", "0.30", "0.00", "0.01"),
        ("0.05", "0.30", "0.02", "0.03"),  # 0.015 rounds half up
        ("33.33", "0.30", "10.00", "23.33"),
        ("100.00", "0.25", "25.00", "75.00"),
        ("19.99", "0.3333", "6.66", "13.33"),
    ],
)
def test_commission_parts_always_sum_to_the_whole(amount, rate, client, platform):
    parts = actions.split_commission(Decimal(amount), Decimal(rate))

    assert parts == (Decimal(client), Decimal(platform))
    assert sum(parts) == Decimal(amount)


def test_partial_then_full_refunds_reverse_the_commission_to_exactly_zero(merchant, account, variant):
    order = _confirmed(merchant, variant, 1)  # 17.50

    actions.refund_order(order, Decimal("5.05"), reason="damaged box")
    actions.refund_order(order)

    order.refresh_from_db()
    entries = CommissionEntry.objects.filter(order=order)
    assert order.status == OrderStatus.REFUNDED
    assert order.refunded_amount == Decimal("17.50")
    assert [e.amount for e in entries] == [Decimal("17.50"), Decimal("-5.05"), Decimal("-12.45")]
    assert sum(e.amount for e in entries) == 0
    assert sum(e.client_share for e in entries) == 0
    assert sum(e.platform_share for e in entries) == 0
    with pytest.raises(ValidationError):
        actions.refund_order(order, Decimal("0.01"))


def test_cancelling_a_confirmed_order_reverses_its_commission(merchant, account, variant):
    order = _confirmed(merchant, variant, 1)

    actions.cancel_order(order)

    assert sum(e.amount for e in CommissionEntry.objects.filter(order=order)) == 0


def test_commission_earnings_per_period(merchant, account, variant, other_merchant):
    first = _confirmed(merchant, variant, 1, "#1")  # 17.50
    _confirmed(merchant, variant, 2, "#2")  # 24.00 + 6.50 = 30.50
    actions.refund_order(first, Decimal("7.50"))
    now = timezone.now()

    earnings = actions.commission_earnings(merchant, now - timedelta(days=1), now + timedelta(days=1))
    empty = actions.commission_earnings(merchant, now - timedelta(days=3), now - timedelta(days=2))
    other = actions.commission_earnings(other_merchant, now - timedelta(days=1), now + timedelta(days=1))

    assert earnings.sales == Decimal("48.00")
    assert earnings.refunds == Decimal("-7.50")
    assert earnings.net == Decimal("40.50")
    assert earnings.client_share + earnings.platform_share == earnings.net
    assert earnings.client_share == Decimal("5.25") + Decimal("9.15") - Decimal("2.25")
    assert earnings.orders == 2
    assert empty.net == 0
    assert other.net == 0


def test_the_customer_gets_email_at_confirmed_cancelled_and_refunded(
    merchant, account, variant, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        order = _confirmed(merchant, variant, 1)
    with django_capture_on_commit_callbacks(execute=True):
        actions.refund_order(order, Decimal("2.00"))
    with django_capture_on_commit_callbacks(execute=True):
        other = _confirmed(merchant, variant, 1, "#1002")
        actions.cancel_order(other)

    subjects = [m.subject for m in mail.outbox]
    assert "Your order #1001 is confirmed" in subjects
    assert "A refund for your order #1001" in subjects
    assert "Your order #1002 was cancelled" in subjects
    refund = next(m for m in mail.outbox if m.subject.startswith("A refund"))
    assert "2.00 USD" in refund.body
    assert refund.alternatives[0][1] == "text/html"
    assert refund.to == ["ada@example.com"]
