"""The order center pages."""

import pytest
from django.urls import reverse

from orders import actions
from orders.choices import OrderStatus
from orders.models import Order

from .conftest import entry_form, order_input

pytestmark = pytest.mark.django_db


def test_the_index_shows_the_pipeline_and_the_orders(owner_client, merchant, account, variant):
    actions.create_order(merchant, order_input(variant, 1, "#1001"))

    response = owner_client.get(reverse("orders:index"))

    assert response.status_code == 200
    assert b"#1001" in response.content
    assert b"Pending" in response.content
    assert "HX-Request" in response["Vary"]


def test_the_index_partial_filters_by_search(owner_client, merchant, account, variant):
    actions.create_order(merchant, order_input(variant, 1, "#1001"))
    actions.create_order(merchant, order_input(variant, 1, "#2002"))

    response = owner_client.get(reverse("orders:index"), {"search": "2002"}, headers={"HX-Request": "true"})

    assert b"#2002" in response.content
    assert b"#1001" not in response.content
    assert b"<html" not in response.content


def test_the_index_does_not_query_per_order(owner_client, merchant, account, variant, django_assert_max_num_queries):
    for i in range(6):
        actions.create_order(merchant, order_input(variant, 1, f"#{i}"))

    with django_assert_max_num_queries(12):
        response = owner_client.get(reverse("orders:index"))

    assert response.status_code == 200
    assert [f"#{i}" for i in range(6)] == sorted(
        row.split('"')[0] for row in response.content.decode().split('data-order="')[1:]
    )


def test_an_order_entered_by_hand_is_created_and_shown(owner_client, merchant, account, variant):
    response = owner_client.post(reverse("orders:new"), entry_form(variant))

    order = Order.objects.get(reference="#W1")
    assert response.status_code == 302
    assert response["Location"] == reverse("orders:detail", args=[order.pk])
    assert order.shipping_address["country_code"] == "US"
    page = owner_client.get(response["Location"])
    assert b"Grace Hopper" in page.content
    assert b"Timeline" in page.content


def test_the_entry_form_shows_errors_beside_the_fields(owner_client, merchant, account, variant):
    response = owner_client.post(reverse("orders:new"), entry_form(variant, quantity="50", country_code="zz"))

    assert response.status_code == 200
    assert b"not an ISO 3166 country code" in response.content
    assert not Order.objects.exists()
    response = owner_client.post(reverse("orders:new"), entry_form(variant, quantity="50"))
    assert b"Not enough stock" in response.content


def test_cancel_and_refund_from_the_order_page(owner_client, merchant, account, variant):
    order, _ = actions.create_order(merchant, order_input(variant, 1))
    actions.submit_order(order.submission.pk)

    owner_client.post(reverse("orders:action", args=[order.pk, "refund"]), {"amount": "3.00", "reason": "late"})
    order.refresh_from_db()
    assert order.status == OrderStatus.REFUNDED

    other, _ = actions.create_order(merchant, order_input(variant, 1, "#1002"))
    owner_client.post(reverse("orders:action", args=[other.pk, "cancel"]))
    other.refresh_from_db()
    assert other.status == OrderStatus.CANCELLED

    response = owner_client.post(reverse("orders:action", args=[other.pk, "cancel"]), follow=True)
    assert b"can no longer be cancelled" in response.content


def test_viewers_see_orders_but_cannot_act(viewer_client, merchant, account, variant):
    order, _ = actions.create_order(merchant, order_input(variant, 1))

    assert viewer_client.get(reverse("orders:detail", args=[order.pk])).status_code == 200
    assert viewer_client.post(reverse("orders:action", args=[order.pk, "cancel"])).status_code == 403
    assert viewer_client.get(reverse("orders:new")).status_code == 403


def test_another_merchants_order_page_is_404(client, other_owner, merchant, account, variant):
    order, _ = actions.create_order(merchant, order_input(variant, 1))
    client.force_login(other_owner)

    assert client.get(reverse("orders:detail", args=[order.pk])).status_code == 404
    assert client.post(reverse("orders:action", args=[order.pk, "cancel"])).status_code == 404


def test_fulfillment_settings_turn_on_automatic_payment(owner_client, merchant):
    response = owner_client.post(reverse("orders:settings"), {"pay_from_balance": "on", "from_country_code": "us"})

    assert response.status_code == 302
    assert actions.get_fulfillment_settings(merchant).pay_from_balance
    assert actions.get_fulfillment_settings(merchant).from_country_code == "US"


def test_a_free_plan_is_told_automatic_payment_needs_pro(owner_client, merchant):
    merchant.plan = "free"
    merchant.save()

    response = owner_client.post(reverse("orders:settings"), {"pay_from_balance": "on", "from_country_code": "CN"})

    assert response.status_code == 200
    assert b"Pro plan" in response.content
    assert not actions.get_fulfillment_settings(merchant).pay_from_balance
