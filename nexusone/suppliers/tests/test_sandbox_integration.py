"""The CJ client against the sandbox over real HTTP: the whole flow, injected faults, webhooks."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from nexusone.suppliers.base import (
    Address,
    OrderLineRequest,
    OrderRequest,
    SupplierAuthError,
    SupplierOutcomeUnknown,
    SupplierQuotaExhausted,
)
from nexusone.suppliers.models import SupplierAccount
from nexusone.suppliers.registry import get_supplier

pytestmark = pytest.mark.django_db


def first_product(supplier, keyword: str = "storage"):
    page = supplier.search_products(keyword, page_size=5)
    return supplier.get_product(page.items[0].product_id)


def order_for(vid: str, reference: str, method: str = "CJPacket Ordinary") -> OrderRequest:
    return OrderRequest(
        reference=reference,
        address=Address(name="Ann", line1="1 Main St", city="Austin", country_code="US", province="TX"),
        lines=(OrderLineRequest(vid, 2, line_reference="line-1"),),
        shipping_method=method,
    )


def test_client_reads_catalog_stock_and_follows_an_order_to_delivery(cj_sandbox, cj_account):
    supplier = get_supplier(cj_account)
    product = first_product(supplier)
    assert product.variants
    assert all(v.stock is not None for v in product.variants)  # enable_inventory
    stock = supplier.get_product_stock(product.product_id)
    assert set(stock) == {v.variant_id for v in product.variants}
    assert stock[product.variants[0].variant_id].total() == product.variants[0].stock.total()
    vid = product.variants[0].variant_id
    quotes = supplier.quote_shipping([OrderLineRequest(vid, 2)], to_country_code="US")
    order = supplier.create_order(order_for(vid, "NX-1", quotes[0].method))
    assert order.status == "CREATED"
    assert supplier.find_order("NX-1").order_id == order.order_id
    assert supplier.find_order("NX-unknown") is None
    cj_sandbox.advance_order(order.order_id, "SHIPPED")
    shipped = supplier.get_order(order.order_id)
    assert shipped.status == "SHIPPED"
    (tracking,) = supplier.get_tracking(list(shipped.tracking_numbers))
    assert tracking.status == "In transit"
    cj_sandbox.advance_order(order.order_id)
    assert supplier.get_order(order.order_id).status == "DELIVERED"
    assert supplier.get_tracking(list(shipped.tracking_numbers))[0].delivered is True
    assert supplier.cancel_order(order.order_id) is False


def test_the_sandbox_serves_cjs_category_tree_whose_leaves_filter_the_search(cj_sandbox, cj_account):
    supplier = get_supplier(cj_account)

    tree = supplier.list_categories()

    leaves = {leaf.name: leaf for first in tree for second in first.children for leaf in second.children}
    assert "Home & Garden" in [first.name for first in tree]
    assert all(first.category_id and second.category_id for first in tree for second in first.children)
    page = supplier.search_products(category_id=leaves["Dog Toys"].category_id, page_size=50)
    assert page.total > 0
    assert {item.category_id for item in page.items} == {leaves["Dog Toys"].category_id}


def test_sandbox_orders_are_flagged_only_when_the_account_asks(cj_sandbox, cj_account):
    supplier = get_supplier(cj_account)
    vid = first_product(supplier).variants[0].variant_id
    real = supplier.create_order(order_for(vid, "NX-real"))
    cj_account.sandbox_orders = True
    flagged = get_supplier(cj_account).create_order(order_for(vid, "NX-sandbox"))
    assert cj_sandbox.state.orders[real.order_id].is_sandbox == 0
    assert cj_sandbox.state.orders[flagged.order_id].is_sandbox == 1


def test_repeating_an_order_number_returns_the_first_order(cj_sandbox, cj_account):
    supplier = get_supplier(cj_account)
    vid = first_product(supplier).variants[0].variant_id
    first = supplier.create_order(order_for(vid, "NX-dup"))
    again = supplier.create_order(order_for(vid, "NX-dup"))
    assert again.order_id == first.order_id
    assert len(cj_sandbox.state.orders) == 1


def test_a_created_order_can_be_cancelled(cj_sandbox, cj_account):
    supplier = get_supplier(cj_account)
    order = supplier.create_order(order_for(first_product(supplier).variants[0].variant_id, "NX-c"))
    assert supplier.cancel_order(order.order_id) is True
    assert supplier.get_order(order.order_id).status == "CANCELLED"


@pytest.mark.parametrize("status", [200, 429])
def test_injected_rate_limits_are_retried_until_they_pass(cj_sandbox, cj_account, make_client, fake_clock, status):
    supplier = make_client(cj_account)
    product = first_product(supplier)
    cj_sandbox.add_fault("product/stock/getInventoryByPid", "rate_limit", count=2, status=status)
    assert supplier.get_product_stock(product.product_id)
    assert len(fake_clock.sleeps) == 2
    assert cj_sandbox.state.stats["by_path"]["product/stock/getInventoryByPid"] == 3


def test_injected_server_errors_are_retried_for_reads(cj_sandbox, cj_account, make_client, fake_clock):
    supplier = make_client(cj_account)
    product = first_product(supplier)
    cj_sandbox.add_fault("product/query", "server_error", count=1, status=503)
    assert supplier.get_product(product.product_id).product_id == product.product_id
    assert len(fake_clock.sleeps) == 1


def test_an_order_whose_answer_was_lost_is_reported_unknown_then_found(cj_sandbox, cj_account, make_client):
    supplier = make_client(cj_account)
    vid = first_product(supplier).variants[0].variant_id
    cj_sandbox.add_fault("shopping/order/createOrderV2", "server_error", apply=True)
    with pytest.raises(SupplierOutcomeUnknown):
        supplier.create_order(order_for(vid, "NX-lost"))
    assert len(cj_sandbox.state.orders) == 1  # created once, never resent
    found = supplier.find_order("NX-lost")
    assert found.reference == "NX-lost"


def test_an_order_create_that_times_out_is_not_resent(cj_sandbox, cj_account, make_client, settings):
    supplier = make_client(cj_account)
    vid = first_product(supplier).variants[0].variant_id
    settings.CJ_TIMEOUT = (2.0, 0.3)
    slow = make_client(cj_account)
    cj_sandbox.add_fault("shopping/order/createOrderV2", "timeout", seconds=1.0)
    with pytest.raises(SupplierOutcomeUnknown):
        slow.create_order(order_for(vid, "NX-slow"))
    assert cj_sandbox.state.stats["by_path"]["shopping/order/createOrderV2"] == 1
    assert slow.find_order("NX-slow") is not None


def test_an_injected_invalid_token_is_renewed_and_the_call_retried(cj_sandbox, cj_account, make_client):
    supplier = make_client(cj_account)
    product = first_product(supplier)
    before = SupplierAccount.objects.get(pk=cj_account.pk).access_token
    cj_sandbox.add_fault("product/stock/getInventoryByPid", "invalid_token")
    assert supplier.get_product_stock(product.product_id)
    assert SupplierAccount.objects.get(pk=cj_account.pk).access_token != before


def test_revoked_tokens_lead_to_a_fresh_login(cj_sandbox, cj_account, make_client, settings):
    settings.CJ_TOKEN_LOGIN_INTERVAL = 0
    supplier = make_client(cj_account)
    first_product(supplier)
    cj_sandbox.control("state", {"revoke_tokens": True})
    assert first_product(make_client(SupplierAccount.objects.get(pk=cj_account.pk)))


def test_exhausted_points_raise_without_retrying(cj_sandbox, cj_account, make_client, fake_clock):
    supplier = make_client(cj_account)
    product = first_product(supplier)
    cj_sandbox.add_fault("product/query", "points")
    with pytest.raises(SupplierQuotaExhausted):
        supplier.get_product(product.product_id)
    assert fake_clock.sleeps == []


def test_a_key_other_than_the_sandbox_key_is_refused(cj_sandbox, merchant):
    account = SupplierAccount.objects.create(merchant=merchant, supplier="cj", api_key="CJ1@api@wrong", qps=50)
    with pytest.raises(SupplierAuthError):
        get_supplier(account).search_products("box")


class _Receiver(BaseHTTPRequestHandler):
    received: list[tuple[bytes, dict[str, str]]] = []

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        type(self).received.append((body, dict(self.headers)))
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def webhook_receiver():
    _Receiver.received = []
    server = HTTPServer(("127.0.0.1", 0), _Receiver)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/api/webhooks/cj", _Receiver.received
    server.shutdown()
    server.server_close()


def test_registered_webhooks_arrive_signed_and_parse(cj_sandbox, cj_account, webhook_receiver):
    url, received = webhook_receiver
    cj_sandbox.control("state", {"deliver_synchronously": True})
    supplier = get_supplier(cj_account)
    assert supplier.register_webhooks(url) is True
    product = first_product(supplier)
    vid = product.variants[0].variant_id
    assert supplier.subscribe_products([product.product_id]) == ([product.product_id], [])
    cj_sandbox.control("stock", {"vid": vid, "quantity": 3})
    order = supplier.create_order(order_for(vid, "NX-hook"))
    cj_sandbox.advance_order(order.order_id, "SHIPPED")
    events = []
    for body, headers in received:
        assert supplier.verify_webhook(body, headers)
        events.append(supplier.parse_webhook(body))
    stock = next(e for e in events if e.topic == "stock")
    assert stock.stock[0].variant_id == vid
    assert stock.stock[0].total({"CN"}) == 3
    orders = [e for e in events if e.topic == "order"]
    assert orders[-1].order_reference == "NX-hook"
    assert orders[-1].order_status == "SHIPPED"
    logistic = next(e for e in events if e.topic == "logistic")
    assert logistic.tracking.tracking_number
    assert logistic.tracking.events


def test_webhooks_for_unsubscribed_products_are_not_sent(cj_sandbox, cj_account, webhook_receiver):
    url, received = webhook_receiver
    cj_sandbox.control("state", {"deliver_synchronously": True})
    supplier = get_supplier(cj_account)
    supplier.register_webhooks(url)
    vid = first_product(supplier).variants[0].variant_id
    cj_sandbox.control("stock", {"vid": vid, "quantity": 9})
    assert received == []


def test_an_order_is_confirmed_and_paid_from_the_balance(cj_sandbox, cj_account):
    supplier = get_supplier(cj_account)
    order = supplier.create_order(order_for(first_product(supplier).variants[0].variant_id, "NX-pay"))
    assert supplier.confirm_order(order.order_id).status == "UNPAID"
    assert supplier.pay_order(order.order_id).status == "UNSHIPPED"


def test_a_failed_webhook_delivery_is_retried(cj_sandbox, cj_account):
    calls = []

    class Flaky(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            self.rfile.read(int(self.headers["Content-Length"]))
            calls.append(1)
            self.send_response(500 if len(calls) == 1 else 200)
            self.end_headers()

        def log_message(self, *args) -> None:
            pass

    server = HTTPServer(("127.0.0.1", 0), Flaky)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        cj_sandbox.control(
            "state",
            {
                "webhook_url": f"http://127.0.0.1:{server.server_address[1]}/hook",
                "deliver_synchronously": True,
                "webhook_retries": 3,
                "webhook_retry_delay": 0,
            },
        )
        cj_sandbox.control("stock", {"vid": next(iter(cj_sandbox.state.variants)), "quantity": 1})
    finally:
        server.shutdown()
        server.server_close()
    assert [d.status for d in cj_sandbox.state.deliveries] == [500, 200]
