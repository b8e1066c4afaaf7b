"""The order API per DESIGN.md §6."""

from decimal import Decimal

import pytest

from nexusone.suppliers.base import SupplierRateLimited, SupplierRejected, SupplierUnavailable
from orders import actions
from orders.choices import OrderStatus
from orders.models import Order
from tests.factories import ProductFactory, VariantFactory

from .conftest import create_body, order_input

pytestmark = pytest.mark.django_db
URL = "/api/order-fulfillment"


def test_create_answers_201_with_the_order(api, account, variant):
    response = api.post(URL, create_body(variant, 2), format="json")

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["reference"] == "#1001"
    assert body["status"] == OrderStatus.PENDING
    assert body["items"][0]["variant_id"] == str(variant.pk)
    assert body["items"][0]["quantity"] == 2
    assert body["total_amount"] == "30.50"
    assert body["customer"]["email"] == "ada@example.com"


def test_the_same_reference_again_answers_200_with_the_same_order(api, account, variant):
    first = api.post(URL, create_body(variant, 2), format="json").json()
    again = api.post(URL + "/", create_body(variant, 2), format="json")

    assert again.status_code == 200
    assert again.json()["id"] == first["id"]
    variant.refresh_from_db()
    assert variant.reserved_quantity == 2


def test_not_enough_stock_answers_409_naming_the_item(api, account, variant):
    response = api.post(URL, create_body(variant, 11), format="json")

    assert response.status_code == 409
    error = response.json()["errors"][0]
    assert error["code"] == "insufficient_stock"
    assert "Foldable Storage Box" in error["detail"]
    assert "10 available" in error["detail"]
    assert error["attr"] == "items.0.quantity"
    assert not Order.objects.exists()


@pytest.mark.parametrize(
    ("change", "attr"),
    [
        ({"items": []}, "items"),
        ({"items": [{"product_id": "00000000-0000-0000-0000-000000000000", "quantity": 1}]}, "items.0.product_id"),
        ("quantity0", "items.0.quantity"),
        ("country", "shipping_address.country_code"),
        ("email", "customer.email"),
        ({"surprise": 1}, "surprise"),
    ],
)
def test_invalid_bodies_answer_400_naming_the_field_and_change_nothing(api, account, variant, change, attr):
    body = create_body(variant, 1)
    if change == "quantity0":
        body["items"][0]["quantity"] = 0
    elif change == "country":
        body["shipping_address"]["country_code"] = "XX"
    elif change == "email":
        body["customer"]["email"] = "not-an-email"
    else:
        body.update(change)

    response = api.post(URL, body, format="json")

    assert response.status_code == 400, response.content
    assert attr in [e["attr"] for e in response.json()["errors"]]
    variant.refresh_from_db()
    assert variant.reserved_quantity == 0
    assert not Order.objects.exists()


def test_a_product_with_several_variants_needs_the_variant_named(api, account, merchant):
    product = ProductFactory(merchant=merchant)
    VariantFactory(product=product)
    VariantFactory(product=product)
    body = create_body(VariantFactory(product=product), 1)
    del body["items"][0]["variant_id"]

    response = api.post(URL, body, format="json")

    assert response.status_code == 400
    assert response.json()["errors"][0]["attr"] == "items.0.variant_id"


@pytest.mark.parametrize(
    ("body", "code"),
    [({"action": "explode"}, "invalid_choice"), ({}, "required"), ([{"action": "create"}], "required")],
)
def test_a_missing_or_unknown_action_is_a_400_naming_it(api, account, body, code):
    response = api.post(URL, body, format="json")

    assert response.status_code == 400
    assert [(e["attr"], e["code"]) for e in response.json()["errors"]] == [("action", code)]


def test_quote_lists_the_shipping_options_cheapest_first(api, account, variant):
    response = api.post(
        URL,
        {"action": "quote", "country_code": "US", "items": [{"product_id": str(variant.product_id), "quantity": 1}]},
        format="json",
    )

    assert response.status_code == 200
    assert response.json()["cheapest"]["method"] == "CJPacket Ordinary"
    assert [o["cost"] for o in response.json()["options"]] == ["5.50", "9.90"]


@pytest.mark.parametrize(
    "failure",
    [SupplierRateLimited("Too much request", code=1600200), SupplierUnavailable("read timed out")],
    ids=["rate_limited", "unavailable"],
)
def test_a_quote_cj_cannot_give_now_is_a_503_saying_to_try_again(api, account, variant, fake_supplier, failure):
    def fail(lines, *, to_country_code, from_country_code="CN"):
        raise failure

    fake_supplier.quote_shipping = fail
    body = {"action": "quote", "country_code": "US", "items": create_body(variant)["items"]}
    api.raise_request_exception = False  # a 5xx is reported to Django's error signal as well as answered

    response = api.post(URL, body, format="json")

    assert response.status_code == 503
    assert response.json()["errors"][0]["code"] == "supplier_unavailable"


def test_a_country_cj_cannot_ship_to_is_a_400_naming_the_country(api, account, variant, fake_supplier):
    def refuse(lines, *, to_country_code, from_country_code="CN"):
        raise SupplierRejected("Country code is unknown", code=1605002)

    fake_supplier.quote_shipping = refuse
    body = {"action": "quote", "country_code": "US", "items": create_body(variant)["items"]}

    response = api.post(URL, body, format="json")

    assert response.status_code == 400
    assert response.json()["errors"] == [
        {"code": "invalid", "detail": "Country code is unknown", "attr": "country_code"}
    ]


def test_a_requested_shipping_method_that_cj_does_not_offer_is_a_400(api, account, variant):
    response = api.post(URL, create_body(variant, 1, shipping_method="Teleport"), format="json")

    assert response.status_code == 400
    assert response.json()["errors"][0]["attr"] == "shipping_method"


def test_cancel_after_shipping_answers_409_invalid_transition(api, merchant, account, variant, fake_supplier):
    order, _ = actions.create_order(merchant, order_input(variant, 1))
    actions.submit_order(order.submission.pk)
    fake_supplier.set_order_status("#1001", "SHIPPED", "CJPKL1")
    actions.refresh_tracking(order)

    response = api.post(URL, {"action": "cancel", "order_id": str(order.pk)}, format="json")

    assert response.status_code == 409
    assert response.json()["errors"][0]["code"] == "invalid_transition"


def test_cancel_refund_and_retry_through_the_api(api, merchant, account, variant, fake_supplier):
    order, _ = actions.create_order(merchant, order_input(variant, 1))
    actions.submit_order(order.submission.pk)

    refund = api.post(URL, {"action": "refund", "order_id": str(order.pk), "amount": "5.00"}, format="json")
    assert refund.status_code == 200
    assert refund.json()["status"] == OrderStatus.REFUNDED
    assert refund.json()["refunded_amount"] == "5.00"

    too_much = api.post(URL, {"action": "refund", "order_id": str(order.pk), "amount": "500.00"}, format="json")
    assert too_much.status_code == 400
    assert too_much.json()["errors"][0]["attr"] == "amount"

    other, _ = actions.create_order(merchant, order_input(variant, 1, "#1002"))
    cancel = api.post(URL, {"action": "cancel", "order_id": str(other.pk), "reason": "customer asked"}, format="json")
    assert cancel.status_code == 200
    assert cancel.json()["status"] == OrderStatus.CANCELLED

    retry = api.post(URL, {"action": "retry", "order_id": str(other.pk)}, format="json")
    assert retry.status_code == 409


def test_refresh_tracking_answers_with_the_tracking(api, merchant, account, variant, fake_supplier):
    from nexusone.suppliers.base import TrackingInfo

    order, _ = actions.create_order(merchant, order_input(variant, 1))
    actions.submit_order(order.submission.pk)
    fake_supplier.set_order_status("#1001", "SHIPPED", "CJPKL7160102171YQ")
    fake_supplier.tracking["CJPKL7160102171YQ"] = TrackingInfo("CJPKL7160102171YQ", carrier="USPS", status="In transit")

    response = api.post(URL, {"action": "refresh_tracking", "order_id": str(order.pk)}, format="json")

    assert response.status_code == 200
    assert response.json()["status"] == OrderStatus.SHIPPED
    assert response.json()["tracking_number"] == "CJPKL7160102171YQ"
    assert response.json()["packages"][0]["status"] == "In transit"


def test_viewers_can_read_but_not_create(viewer_api, account, variant, merchant):
    actions.create_order(merchant, order_input(variant, 1))

    assert viewer_api.get("/api/dropshipping/orders").status_code == 200
    assert viewer_api.post(URL, create_body(variant, 1, reference="#2"), format="json").status_code == 403


def test_another_merchants_order_is_404(other_api, merchant, account, variant):
    order, _ = actions.create_order(merchant, order_input(variant, 1))

    assert other_api.get(f"/api/dropshipping/orders/{order.pk}").status_code == 404
    assert other_api.get(f"/api/order-tracking/{order.pk}").status_code == 404
    cancel = other_api.post(URL, {"action": "cancel", "order_id": str(order.pk)}, format="json")
    assert cancel.status_code == 404
    assert other_api.get("/api/dropshipping/orders").json()["results"] == []


def test_the_list_filters_by_status_search_and_dates(api, merchant, account, variant, fake_supplier):
    actions.create_order(merchant, order_input(variant, 1, "#A-1"))
    second, _ = actions.create_order(merchant, order_input(variant, 1, "#B-2"))
    actions.submit_order(second.submission.pk)
    fake_supplier.set_order_status("#B-2", "SHIPPED", "TRACK-XYZ")
    actions.refresh_tracking(second)

    def refs(query):
        response = api.get(f"/api/dropshipping/orders?{query}")
        assert response.status_code == 200, response.content
        return [o["reference"] for o in response.json()["results"]]

    assert refs("status=pending") == ["#A-1"]
    assert refs("status=shipped") == ["#B-2"]
    assert refs("search=TRACK-XYZ") == ["#B-2"]
    assert refs("search=a-1") == ["#A-1"]
    assert refs("search=ada@example.com") == ["#B-2", "#A-1"]
    assert refs("created_after=2000-01-01T00:00:00Z") == ["#B-2", "#A-1"]
    assert refs("created_before=2000-01-01T00:00:00Z") == []
    assert api.get("/api/dropshipping/orders?status=bogus").status_code == 400


def test_the_order_list_does_not_query_per_order(api, merchant, account, variant, django_assert_max_num_queries):
    for i in range(5):
        actions.create_order(merchant, order_input(variant, 1, f"#Q{i}"))

    with django_assert_max_num_queries(8):
        response = api.get("/api/dropshipping/orders")

    assert len(response.json()["results"]) == 5


def test_detail_and_tracking_shapes(api, merchant, account, variant):
    order, _ = actions.create_order(merchant, order_input(variant, 1))

    detail = api.get(f"/api/dropshipping/orders/{order.pk}/").json()
    tracking = api.get(f"/api/order-tracking/{order.pk}").json()

    assert {"id", "reference", "status", "external_order_id", "customer", "shipping_address", "items"} <= set(detail)
    assert {"shipping_method", "shipping_cost", "subtotal", "total_amount", "currency", "tracking_number"} <= set(
        detail
    )
    assert Decimal(detail["subtotal"]) == Decimal("12.00")
    assert tracking == {
        "order_id": str(order.pk),
        "status": "pending",
        "tracking_number": "",
        "carrier": "",
        "tracking_url": "",
        "packages": [],
        "events": [],
    }


def test_without_a_cj_account_create_is_a_409(api, variant):
    response = api.post(URL, create_body(variant, 1), format="json")

    assert response.status_code == 409
    assert response.json()["errors"][0]["code"] == "supplier_not_connected"


def test_creating_an_order_through_the_api_takes_at_most_ten_queries(
    api, merchant, account, variant, django_assert_max_num_queries
):
    # The first order of a merchant also creates its fulfillment settings row; measure a later one.
    assert api.post("/api/order-fulfillment", create_body(variant, 1, "#W1"), format="json").status_code == 201

    # user with membership; variants with the reference check, the CJ account's id and the ship-from country
    # (the quote is cached: the account row is not read); savepoint (BEGIN in production); one INSERT of the
    # order, lines, status event, outbox row, fulfillment log rows and audit event; the stock reservation with
    # the product's figures; release (COMMIT): 6 today, 10 is the budget.
    with django_assert_max_num_queries(10):
        response = api.post("/api/order-fulfillment", create_body(variant, 1, "#W2"), format="json")

    assert response.status_code == 201
    assert [item["quantity"] for item in response.json()["items"]] == [1]


def test_an_order_the_stock_cannot_cover_is_refused_in_three_queries_without_a_quote(
    api, merchant, account, variant, fake_supplier, django_assert_max_num_queries
):
    # user, membership, variants + reference check: nothing is asked of CJ for an order we cannot fill.
    with django_assert_max_num_queries(3):
        response = api.post("/api/order-fulfillment", create_body(variant, 11), format="json")

    assert response.status_code == 409
    assert response.json()["errors"][0]["code"] == "insufficient_stock"
    assert not [name for name, _ in fake_supplier.calls if name == "quote_shipping"]


def test_a_repeated_reference_still_answers_with_the_first_order_when_stock_has_run_out(
    api, merchant, account, variant
):
    first = api.post("/api/order-fulfillment", create_body(variant, 10), format="json")

    again = api.post("/api/order-fulfillment", create_body(variant, 10), format="json")

    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["id"] == first.json()["id"]
    assert Order.objects.count() == 1
