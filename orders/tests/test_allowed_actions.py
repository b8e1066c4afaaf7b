"""One rule per action: the order page offers a button exactly when the action would accept it."""

import pytest
from django.urls import reverse

from nexusone.core.exceptions import InvalidTransition
from orders import actions
from orders.choices import SubmissionState
from orders.models import Order, SupplierSubmission

from .conftest import order_input

pytestmark = pytest.mark.django_db


def order_that_is(kind: str, merchant, variant, fake_supplier) -> Order:
    order, _ = actions.create_order(merchant, order_input(variant, 1))  # pending: on-commit sends never run here
    submission = SupplierSubmission.objects.get(order=order)
    if kind == "being sent":
        SupplierSubmission.objects.filter(pk=submission.pk).update(state=SubmissionState.SENDING)
    elif kind == "refused by CJ":
        fake_supplier.create_fault = "rejected"
        actions.submit_order(submission.pk)
    elif kind == "confirmed":
        actions.submit_order(submission.pk)
    elif kind == "cancelled":
        actions.cancel_order(order)
    return Order.objects.select_related("submission").get(pk=order.pk)


def accepts(action, order: Order) -> bool:
    try:
        action(order)
    except InvalidTransition:
        return False
    return True


@pytest.mark.parametrize(
    ("kind", "retry_offered"),
    [("waiting", True), ("being sent", False), ("refused by CJ", True), ("confirmed", False), ("cancelled", False)],
)
def test_retry_is_offered_exactly_when_retry_order_accepts_it(
    merchant, account, variant, fake_supplier, kind, retry_offered
):
    order = order_that_is(kind, merchant, variant, fake_supplier)

    offered = actions.allowed_actions(order).retry

    assert offered is retry_offered
    assert accepts(actions.retry_order, order) is retry_offered


@pytest.mark.parametrize(("kind", "cancel_offered"), [("waiting", True), ("confirmed", True), ("cancelled", False)])
def test_cancel_is_offered_exactly_when_cancel_order_accepts_it(
    merchant, account, variant, fake_supplier, kind, cancel_offered
):
    order = order_that_is(kind, merchant, variant, fake_supplier)

    offered = actions.allowed_actions(order).cancel

    assert offered is cancel_offered
    assert accepts(actions.cancel_order, order) is cancel_offered


def test_a_fully_refunded_order_offers_no_further_refund(merchant, account, variant, fake_supplier):
    order = order_that_is("confirmed", merchant, variant, fake_supplier)
    assert actions.allowed_actions(order).refund

    actions.refund_order(order)

    assert not actions.allowed_actions(Order.objects.get(pk=order.pk)).refund


def test_the_order_page_shows_no_retry_button_while_the_order_is_being_sent(
    owner_client, merchant, account, variant, fake_supplier
):
    sending = order_that_is("being sent", merchant, variant, fake_supplier)

    response = owner_client.get(reverse("orders:detail", args=[sending.pk]))

    assert response.status_code == 200
    assert b'id="retry-order"' not in response.content
    assert b'id="cancel-order"' in response.content
