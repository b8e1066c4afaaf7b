"""Each CJ endpoint the client uses, mapped from payloads shaped as CJ_API.md documents them."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from decimal import Decimal

import pytest
import responses
from responses import matchers

from nexusone.suppliers.base import (
    Address,
    OrderLineRequest,
    OrderRequest,
    Supplier,
    SupplierNotFound,
    SupplierRejected,
)
from nexusone.suppliers.registry import get_supplier

from .cj_payloads import (
    BASE,
    CATEGORY_TREE,
    CREATED_ORDER,
    FREIGHT,
    INVENTORY_BY_PID,
    LIST_V2,
    NUMERIC_VID,
    ORDER_DETAIL,
    ORDER_ID,
    PID,
    PRODUCT,
    STOCK_BY_VID,
    TRACK_INFO,
    VID,
    fail,
    ok,
)

pytestmark = pytest.mark.django_db


def order_request(reference: str = "NX-2026-000123") -> OrderRequest:
    return OrderRequest(
        reference=reference,
        address=Address(
            name="Ann Lee",
            line1="1 Main St",
            line2="Apt 2",
            city="Austin",
            province="TX",
            country_code="us",
            postal_code="73301",
            phone="+15125550100",
            email="ann@example.com",
        ),
        lines=(OrderLineRequest(VID, 2, line_reference="line-1"),),
        shipping_method="USPS+",
        from_country_code="CN",
    )


def test_registry_returns_a_cj_client_that_implements_the_supplier_protocol(connected_account):
    supplier = get_supplier(connected_account)
    assert isinstance(supplier, Supplier)
    assert type(supplier).__name__ == "CJSupplier"


@responses.activate
def test_search_reads_products_two_levels_down_in_list_v2(connected_account, make_client):
    responses.get(
        f"{BASE}/product/listV2",
        json=ok(LIST_V2),
        match=[matchers.query_param_matcher({"keyWord": "storage box", "page": "1", "size": "2"})],
    )
    page = make_client(connected_account).search_products("storage box", page_size=2)
    assert page.total == 137
    assert [item.product_id for item in page.items] == [PID, "1424608189734850561"]
    first = page.items[0]
    assert first.price_label == "3.10 -- 4.25"
    assert first.inventory == 5120
    assert first.image_url == "https://cf.cjdropshipping.com/a1.jpg"
    assert responses.calls[0].request.headers["CJ-Access-Token"] == "live-access-token-0001"


@responses.activate
def test_the_category_tree_keeps_cjs_three_levels_with_leaf_ids(connected_account, make_client):
    responses.get(f"{BASE}/product/getCategory", json=ok(CATEGORY_TREE))

    tree = make_client(connected_account).list_categories()

    assert [first.name for first in tree] == ["Home & Garden", "Pet Supplies"]
    storage, empty = tree[0].children
    assert (storage.name, storage.category_id) == ("Home Storage", "87CF251F-8D11-4DE0-A154-9694D9858EB3")
    assert [(leaf.category_id, leaf.name) for leaf in storage.children] == [
        ("5E1B7F2C-0A9D-4C63-B8E4-71F2A6D09C35", "Kitchen Storage"),
        ("C1E2F3A4-B5C6-47D8-9E0F-1A2B3C4D5E6F", "Closet Organizers"),
    ]
    assert empty.children == ()
    assert tree[1].children[0].children[0].category_id == "1424608189734850599"  # a digit id stays a string
    assert responses.calls[0].request.headers["CJ-Access-Token"] == "live-access-token-0001"


@responses.activate
def test_get_product_maps_variants_options_prices_and_inventories(connected_account, make_client):
    responses.get(
        f"{BASE}/product/query",
        json=ok(PRODUCT),
        match=[matchers.query_param_matcher({"pid": PID, "features": "enable_inventory"})],
    )
    product = make_client(connected_account).get_product(PID)
    assert product.product_id == PID
    assert product.name == "Foldable Storage Box"
    assert product.image_url == "https://cf.cjdropshipping.com/a1.jpg"  # productImage as a JSON-array string
    assert product.cost_price == Decimal("3.10")
    assert product.category_name == "Kitchen Storage"
    assert product.source_url.endswith(f"/product/foldable-storage-box-p-{PID}.html")
    grey, rose = product.variants
    assert grey.attributes == {"Color": "Grey", "Size": "L"}
    assert rose.attributes == {"Color": "Rose-Red", "Size": "M"}  # a value holding a hyphen
    assert rose.variant_id == NUMERIC_VID  # long numeric ids stay strings
    assert grey.cost_price == Decimal("4.25")
    assert grey.weight_grams == 340
    assert grey.stock.total() == 812
    assert rose.stock is None


@responses.activate
def test_unknown_product_raises_not_found(connected_account, make_client):
    responses.get(f"{BASE}/product/query", json=fail(1602001, "Product not found"))
    with pytest.raises(SupplierNotFound):
        make_client(connected_account).get_product("NOPE")


@responses.activate
def test_product_with_null_data_is_not_found(connected_account, make_client):
    responses.get(f"{BASE}/product/query", json=ok(None))
    with pytest.raises(SupplierNotFound):
        make_client(connected_account).get_product(PID)


@responses.activate
def test_product_stock_reads_both_inventory_spellings_in_one_call(connected_account, make_client):
    responses.get(
        f"{BASE}/product/stock/getInventoryByPid",
        json=ok(INVENTORY_BY_PID),
        match=[matchers.query_param_matcher({"pid": PID})],
    )
    levels = make_client(connected_account).get_product_stock(PID)
    assert len(responses.calls) == 1
    assert levels[VID].total() == 852
    assert levels[VID].total({"US"}) == 40
    assert levels[NUMERIC_VID].total() == 40


@responses.activate
def test_variant_stock_sums_warehouse_areas_per_country(connected_account, make_client):
    responses.get(f"{BASE}/product/stock/queryByVid", json=ok(STOCK_BY_VID))
    levels = make_client(connected_account).get_stock([VID, VID])
    assert len(responses.calls) == 1  # duplicates asked once
    assert levels[VID].total() == 852
    assert {w.country_code: w.quantity for w in levels[VID].warehouses} == {"CN": 812, "US": 40}


@responses.activate
def test_shipping_quotes_accept_numbers_and_strings_cheapest_first(connected_account, make_client):
    responses.post(
        f"{BASE}/logistic/freightCalculate",
        json=ok(FREIGHT),
        match=[
            matchers.json_params_matcher(
                {"startCountryCode": "CN", "endCountryCode": "US", "products": [{"vid": VID, "quantity": 2}]}
            )
        ],
    )
    quotes = make_client(connected_account).quote_shipping([OrderLineRequest(VID, 2)], to_country_code="us")
    assert [(q.method, q.cost, q.days) for q in quotes] == [
        ("CJPacket Ordinary", Decimal("5.82"), "7-15"),
        ("USPS+", Decimal("8.94"), "4-8"),
    ]


@responses.activate
def test_create_order_sends_cj_fields_without_is_sandbox_by_default(connected_account, make_client):
    responses.post(f"{BASE}/shopping/order/createOrderV2", json=ok(CREATED_ORDER))
    order = make_client(connected_account).create_order(order_request())
    body = json.loads(responses.calls[0].request.body)
    assert "isSandbox" not in body
    assert body["orderNumber"] == "NX-2026-000123"
    assert body["shippingCountryCode"] == "US"
    assert body["shippingCountry"] == "United States"
    assert body["logisticName"] == "USPS+"
    assert body["products"] == [{"vid": VID, "quantity": 2, "storeLineItemId": "line-1"}]
    assert order.order_id == ORDER_ID
    assert order.reference == "NX-2026-000123"
    assert order.status == "CREATED"
    assert order.total == Decimal("14.32")  # orderAmount null at creation: productAmount + postageAmount


@responses.activate
def test_create_order_sends_is_sandbox_as_integer_one_when_the_account_says_so(connected_account, make_client):
    connected_account.sandbox_orders = True
    responses.post(f"{BASE}/shopping/order/createOrderV2", json=ok(CREATED_ORDER))
    make_client(connected_account).create_order(order_request())
    assert json.loads(responses.calls[0].request.body)["isSandbox"] == 1


@responses.activate
def test_create_order_that_already_exists_returns_the_existing_order(connected_account, make_client):
    responses.post(f"{BASE}/shopping/order/createOrderV2", json=fail(1603003, "Order exist, please do not duplicate"))
    responses.get(
        f"{BASE}/shopping/order/getOrderDetail",
        json=ok(ORDER_DETAIL),
        match=[matchers.query_param_matcher({"orderId": "NX-2026-000123"})],
    )
    order = make_client(connected_account).create_order(order_request())
    assert order.order_id == ORDER_ID
    assert order.status == "SHIPPED"
    assert len(responses.calls) == 2


@responses.activate
def test_create_order_rejected_for_an_off_shelf_variant_names_the_code(connected_account, make_client):
    responses.post(f"{BASE}/shopping/order/createOrderV2", json=fail(1602003, "Variant off shelf"))
    with pytest.raises(SupplierRejected) as excinfo:
        make_client(connected_account).create_order(order_request())
    assert excinfo.value.code == 1602003
    assert excinfo.value.request_id == "b1e2-failure"


@responses.activate
def test_find_order_looks_up_our_order_number_and_reads_tracking(connected_account, make_client):
    responses.get(f"{BASE}/shopping/order/getOrderDetail", json=ok(ORDER_DETAIL))
    order = make_client(connected_account).find_order("NX-2026-000123")
    assert order.reference == "NX-2026-000123"
    assert order.tracking_numbers == ("CJPKL7160102171YQ",)
    assert order.logistic_name == "USPS+"
    assert order.total == Decimal("14.32")


@responses.activate
def test_find_order_answers_none_when_cj_does_not_know_the_reference(connected_account, make_client):
    responses.get(f"{BASE}/shopping/order/getOrderDetail", json=fail(1600300, "order not found"))
    assert make_client(connected_account).find_order("NX-404") is None


@responses.activate
def test_cancel_deletes_a_created_order(connected_account, make_client):
    responses.delete(
        f"{BASE}/shopping/order/deleteOrder",
        json=ok(True),
        match=[matchers.query_param_matcher({"orderId": ORDER_ID})],
    )
    assert make_client(connected_account).cancel_order(ORDER_ID) is True


@responses.activate
def test_cancel_answers_false_once_cj_no_longer_allows_it(connected_account, make_client):
    responses.delete(f"{BASE}/shopping/order/deleteOrder", json=fail(1603002, "Order delete failed"))
    responses.get(f"{BASE}/shopping/order/getOrderDetail", json=ok(ORDER_DETAIL))
    assert make_client(connected_account).cancel_order(ORDER_ID) is False


@responses.activate
def test_tracking_asks_for_every_number_in_one_call(connected_account, make_client):
    responses.get(
        f"{BASE}/logistic/trackInfo",
        json=ok(TRACK_INFO),
        match=[matchers.query_string_matcher("trackNumber=CJPKL7160102171YQ&trackNumber=UNKNOWN1")],
    )
    infos = make_client(connected_account).get_tracking(["CJPKL7160102171YQ", "UNKNOWN1"])
    assert len(infos) == 1
    info = infos[0]
    assert info.tracking_number == "CJPKL7160102171YQ"
    assert info.status == "In transit"
    assert info.delivered is False
    assert info.last_mile_tracking_number == "9400111899223344556677"


@responses.activate
def test_success_in_the_code_zero_form_is_accepted(connected_account, make_client):
    responses.get(f"{BASE}/setting/get", json={"success": True, "code": 0, "data": {"openId": 1}})
    assert make_client(connected_account).get_settings() == {"openId": 1}


@responses.activate
def test_http_200_with_a_failure_code_is_an_error(connected_account, make_client):
    responses.get(f"{BASE}/setting/get", json={"code": 1600300, "result": False, "message": "param error"})
    with pytest.raises(SupplierRejected):
        make_client(connected_account).get_settings()


def test_order_dates_parse_as_utc():
    from nexusone.suppliers.cj.mapping import cj_datetime

    assert cj_datetime("2026-10-01 01:30:12") == datetime(2026, 10, 1, 1, 30, 12, tzinfo=UTC)
    assert cj_datetime("2026-10-16T10:05:12+08:00") == datetime(2026, 10, 16, 2, 5, 12, tzinfo=UTC)
    assert cj_datetime(1751328000000) == datetime(2025, 7, 1, tzinfo=UTC)
