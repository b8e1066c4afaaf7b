from decimal import Decimal

import pytest

from inventory.models import Product, Variant
from orders import actions
from orders.choices import OrderStatus, StockState, SubmissionState
from orders.models import Order, SupplierSubmission

from .conftest import create_body, order_input

pytestmark = pytest.mark.django_db


def test_creating_an_order_reserves_stock_and_writes_order_lines_and_outbox_row(merchant, account, variant):
    order, created = actions.create_order(merchant, order_input(variant, 3))

    assert created
    assert order.status == OrderStatus.PENDING
    variant.refresh_from_db()
    assert (variant.supplier_stock, variant.reserved_quantity, variant.stock_quantity) == (10, 3, 7)
    product = Product.objects.get(pk=variant.product_id)
    assert (product.supplier_stock, product.reserved_quantity, product.stock_quantity) == (10, 3, 7)
    assert order.lines.get().quantity == 3
    submission = SupplierSubmission.objects.get(order=order)
    assert submission.state == SubmissionState.PENDING
    assert submission.idempotency_key == str(order.pk)  # CJ's orderNumber: our id, not the store's reference


def test_the_cheapest_shipping_quote_is_chosen_and_added_to_the_total(merchant, account, variant):
    order, _ = actions.create_order(merchant, order_input(variant, 2))

    assert order.shipping_method == "CJPacket Ordinary"
    assert order.shipping_cost == Decimal("6.50")
    assert order.subtotal == Decimal("24.00")
    assert order.total_amount == Decimal("30.50")


def test_quotes_are_cached_briefly(merchant, account, variant, fake_supplier):
    actions.create_order(merchant, order_input(variant, 1, "#1"))
    actions.create_order(merchant, order_input(variant, 1, "#2"))

    assert [name for name, _ in fake_supplier.calls].count("quote_shipping") == 1


def test_the_same_reference_returns_the_existing_order_and_reserves_nothing(merchant, account, variant):
    first, _ = actions.create_order(merchant, order_input(variant, 2))
    again, created = actions.create_order(merchant, order_input(variant, 5))

    assert not created
    assert again.pk == first.pk
    variant.refresh_from_db()
    assert variant.reserved_quantity == 2
    assert Order.objects.count() == 1


def test_an_order_beyond_the_stock_reserves_nothing_and_names_the_item(merchant, account, variant, second_variant):
    items = [
        actions.LineInput(variant.product_id, 2, variant.pk),
        actions.LineInput(second_variant.product_id, 6, second_variant.pk),
    ]
    data = actions.OrderInput("#9", "Ada", "ada@example.com", create_body(variant)["shipping_address"], items)

    with pytest.raises(actions.InsufficientStock) as caught:
        actions.create_order(merchant, data)

    assert caught.value.shortages[0]["index"] == 1
    assert caught.value.shortages[0]["available"] == 5
    assert list(Variant.objects.values_list("reserved_quantity", flat=True)) == [0, 0]
    assert not Order.objects.exists()


def test_accepting_the_submission_converts_the_reservation_and_keeps_product_stock_the_sum(
    merchant, account, variant, fake_supplier
):
    order, _ = actions.create_order(merchant, order_input(variant, 3))

    actions.submit_order(order.submission.pk)

    order.refresh_from_db()
    variant.refresh_from_db()
    assert order.status == OrderStatus.CONFIRMED
    assert order.external_order_id == fake_supplier.orders["#1001"].order_id
    assert order.stock_state == StockState.CONSUMED
    assert (variant.stock_quantity, variant.reserved_quantity) == (7, 0)
    assert Product.objects.get(pk=variant.product_id).stock_quantity == 7


def test_an_order_accepted_but_unpaid_says_it_waits_for_payment_and_tells_the_merchant(merchant, account, variant):
    from nexusone.notifications.models import Notification

    order, _ = actions.create_order(merchant, order_input(variant, 1))
    actions.submit_order(order.submission.pk)

    order.refresh_from_db()
    assert order.awaiting_payment
    assert Notification.objects.filter(merchant=merchant, event="order.awaiting_payment").exists()


def test_automatic_payment_sends_the_order_paid_from_the_balance(merchant, account, variant):
    actions.update_fulfillment_settings(merchant, pay_from_balance=True, from_country_code="CN")
    order, _ = actions.create_order(merchant, order_input(variant, 1))
    actions.submit_order(order.submission.pk)

    order.refresh_from_db()
    assert not order.awaiting_payment
    assert order.status == OrderStatus.PROCESSING


def test_automatic_payment_needs_a_paid_plan(merchant):
    from nexusone.core.exceptions import PlanRequired

    merchant.plan = "free"
    merchant.save()
    with pytest.raises(PlanRequired):
        actions.update_fulfillment_settings(merchant, pay_from_balance=True, from_country_code="CN")


def test_a_rejected_order_fails_and_gives_its_stock_back(merchant, account, variant, fake_supplier):
    fake_supplier.create_fault = "rejected"
    order, _ = actions.create_order(merchant, order_input(variant, 4))

    actions.submit_order(order.submission.pk)

    order.refresh_from_db()
    variant.refresh_from_db()
    assert order.status == OrderStatus.FAILED
    assert variant.reserved_quantity == 0
    assert "Logistic is invalid" in order.last_error


def test_retrying_a_failed_order_reserves_again_and_sends_it(merchant, account, variant, fake_supplier):
    fake_supplier.create_fault = "rejected"
    order, _ = actions.create_order(merchant, order_input(variant, 4))
    actions.submit_order(order.submission.pk)
    fake_supplier.create_fault = ""

    actions.retry_order(order)
    actions.submit_order(order.submission.pk)

    order.refresh_from_db()
    variant.refresh_from_db()
    assert order.status == OrderStatus.CONFIRMED
    assert variant.stock_quantity == 6
    assert variant.reserved_quantity == 0


def test_a_new_order_is_recorded_by_one_audit_event_without_an_auditlog_copy_of_the_row(merchant, account, variant):
    from auditlog.models import LogEntry

    from nexusone.core.models import AuditEvent

    order, _ = actions.create_order(merchant, order_input(variant, 1))

    event = AuditEvent.objects.get(action="order.created")
    assert (event.target_id, event.data) == (str(order.pk), {"reference": "#1001"})
    assert not LogEntry.objects.get_for_object(order).exists()
    assert order.status_events.get().to_status == OrderStatus.PENDING
    assert sorted(order.logs.values_list("step", flat=True)) == ["shipping.quoted", "stock.reserved"]


def test_later_changes_of_an_order_are_still_audit_logged(merchant, account, variant):
    from auditlog.models import LogEntry

    order, _ = actions.create_order(merchant, order_input(variant, 1))
    actions.cancel_order(order, reason="changed mind")

    assert LogEntry.objects.get_for_object(order).filter(action=LogEntry.Action.UPDATE).exists()


def test_a_new_order_and_its_status_changes_are_announced_to_the_merchant(
    merchant, account, variant, django_capture_on_commit_callbacks, eager_celery
):
    from nexusone.notifications.models import Event

    with django_capture_on_commit_callbacks(execute=True):
        order, _ = actions.create_order(merchant, order_input(variant, 1))
    actions.submit_order(order.submission.pk)

    created = Event.objects.get(type="order.created")
    assert created.data["reference"] == order.reference
    assert created.link == f"/orders/{order.pk}/"
    changed = Event.objects.filter(type="order.status_changed").order_by("created_at")
    assert (changed[0].data["from_status"], changed[0].data["status"]) == ("pending", "confirmed")


def test_a_new_order_is_announced_by_a_worker_or_here_when_the_queue_is_down(
    merchant, account, variant, django_capture_on_commit_callbacks, monkeypatch
):
    from nexusone.notifications.models import Event
    from orders import tasks

    queued = []
    monkeypatch.setattr(tasks.announce_order_task, "delay", lambda *args: queued.append(args))
    with django_capture_on_commit_callbacks(execute=True):
        first, _ = actions.create_order(merchant, order_input(variant, 1, "#A1"))
    assert queued == [(str(first.pk), "order.created")]
    assert not Event.objects.filter(type="order.created").exists()  # the worker writes it

    def broker_down(*args):
        raise ConnectionError("broker down")

    monkeypatch.setattr(tasks.announce_order_task, "delay", broker_down)
    with django_capture_on_commit_callbacks(execute=True):
        actions.create_order(merchant, order_input(variant, 1, "#A2"))
    assert Event.objects.get(type="order.created").data["reference"] == "#A2"
