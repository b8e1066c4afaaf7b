"""The whole order flow through the real CJ client against the CJ sandbox over HTTP."""

import pytest
import requests

from nexusone.suppliers.models import SupplierAccount, WebhookMessage
from orders import actions
from orders.choices import OrderStatus, SubmissionState
from orders.models import Shipment, TrackingEvent

from .conftest import order_input, variant_from_sandbox


@pytest.mark.django_db
def test_an_order_goes_to_cj_and_is_followed_to_delivery(cj_sandbox, cj_sandbox_account, merchant):
    variant = variant_from_sandbox(cj_sandbox, merchant)
    order, created = actions.create_order(merchant, order_input(variant, 2))
    assert created
    assert order.shipping_method  # quoted by CJ's freightCalculate

    actions.submit_order(order.submission.pk)
    order.refresh_from_db()
    assert order.status == OrderStatus.CONFIRMED
    assert order.awaiting_payment
    sandbox_order = cj_sandbox.state.orders[order.external_order_id]
    assert sandbox_order.order_number == str(order.pk)
    assert sandbox_order.is_sandbox == 1

    cj_sandbox.advance_order(order.external_order_id, "SHIPPED")
    actions.refresh_tracking(order)
    order.refresh_from_db()
    assert order.status == OrderStatus.SHIPPED
    assert order.tracking_number.startswith("CJPKL")
    assert not order.awaiting_payment

    cj_sandbox.advance_order(order.external_order_id, "DELIVERED")
    actions.refresh_tracking(order)
    order.refresh_from_db()
    assert order.status == OrderStatus.DELIVERED


@pytest.mark.django_db
def test_a_lost_answer_from_cj_is_reconciled_without_a_second_cj_order(cj_sandbox, cj_sandbox_account, merchant):
    from django.utils import timezone

    variant = variant_from_sandbox(cj_sandbox, merchant)
    order, _ = actions.create_order(merchant, order_input(variant, 1))
    cj_sandbox.add_fault("shopping/order/createOrderV2", "server_error", apply=True)

    actions.submit_order(order.submission.pk)
    order.submission.refresh_from_db()
    assert order.submission.state == SubmissionState.UNKNOWN

    type(order.submission).objects.filter(pk=order.submission.pk).update(next_attempt_at=timezone.now())
    actions.submit_order(order.submission.pk)

    order.refresh_from_db()
    assert order.status == OrderStatus.CONFIRMED
    assert len(cj_sandbox.state.orders) == 1


@pytest.mark.django_db
def test_cancelling_a_created_cj_order_deletes_it_at_cj(cj_sandbox, cj_sandbox_account, merchant):
    variant = variant_from_sandbox(cj_sandbox, merchant)
    order, _ = actions.create_order(merchant, order_input(variant, 3))
    actions.submit_order(order.submission.pk)
    order.refresh_from_db()

    actions.cancel_order(order)

    order.refresh_from_db()
    variant.refresh_from_db()
    assert order.status == OrderStatus.CANCELLED
    assert cj_sandbox.state.orders[order.external_order_id].status == "CANCELLED"
    assert variant.stock_quantity == 25


@pytest.mark.django_db(transaction=True)
def test_cj_webhooks_from_the_sandbox_move_the_order_and_fill_the_timeline(
    cj_sandbox, cj_sandbox_account, merchant, live_server
):
    variant = variant_from_sandbox(cj_sandbox, merchant)
    order, _ = actions.create_order(merchant, order_input(variant, 1))  # sent on commit (eager tasks)
    order.refresh_from_db()
    assert order.status == OrderStatus.CONFIRMED
    assert SupplierAccount.objects.get(pk=cj_sandbox_account.pk).open_id == "284517903"
    cj_sandbox.state.webhook_url_override = f"{live_server.url}/api/webhooks/cj"
    cj_sandbox.state.deliver_synchronously = True

    cj_sandbox.advance_order(order.external_order_id, "DELIVERED")

    order.refresh_from_db()
    assert order.status == OrderStatus.DELIVERED
    assert {d.status for d in cj_sandbox.state.deliveries} == {200}
    assert WebhookMessage.objects.filter(state="processed").count() == len(cj_sandbox.state.deliveries)
    assert Shipment.objects.get(order=order).delivered
    assert TrackingEvent.objects.filter(shipment__order=order).count() >= 5


@pytest.mark.django_db(transaction=True)
def test_a_webhook_signed_with_another_key_is_refused(cj_sandbox, cj_sandbox_account, merchant, live_server):
    variant = variant_from_sandbox(cj_sandbox, merchant)
    actions.create_order(merchant, order_input(variant, 1))

    response = requests.post(
        f"{live_server.url}/api/webhooks/cj",
        data=b'{"messageId":"x","type":"ORDER","params":{}}',
        headers={"sign": "Zm9yZ2Vk", "Content-Type": "application/json"},
        timeout=5,
    )

    assert response.status_code == 401
    assert not WebhookMessage.objects.exists()
