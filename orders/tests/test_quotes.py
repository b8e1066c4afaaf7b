"""Shipping quotes at order creation: a rate limit or an outage takes the order as pending, never a 500;
concurrent orders for the same destination and items share one quote."""

import time
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.utils import timezone

from conftest import jwt_client
from nexusone.suppliers.base import SupplierRateLimited, SupplierUnavailable
from orders import actions, quotes
from orders.choices import LogOutcome, OrderStatus, SubmissionState
from orders.models import FulfillmentLog, Order
from tests.concurrency import run_together

from .conftest import create_body, order_input, variant_from_sandbox

URL = "/api/order-fulfillment"
FREIGHT = "logistic/freightCalculate"


def quote_calls(fake) -> int:
    return [name for name, _ in fake.calls].count("quote_shipping")


@pytest.fixture
def rate_limited_quotes(fake_supplier, monkeypatch):
    """CJ answers every freightCalculate with 1600200 "Too much request" (the fake counts the calls)."""

    def refuse(lines, *, to_country_code, from_country_code="CN"):
        fake_supplier.calls.append(("quote_shipping", to_country_code))
        raise SupplierRateLimited("Too much request, QPS limit exceeded", code=1600200, retry_after=2)

    monkeypatch.setattr(fake_supplier, "quote_shipping", refuse)
    return fake_supplier


@pytest.mark.django_db
def test_an_order_whose_quote_cj_rate_limits_is_taken_as_pending_without_a_shipping_cost(
    api, account, variant, rate_limited_quotes
):
    response = api.post(URL, create_body(variant, 2), format="json")

    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["status"], body["shipping_cost"], body["total_amount"]) == (OrderStatus.PENDING, "0.00", "24.00")
    variant.refresh_from_db()
    assert variant.reserved_quantity == 2
    log = FulfillmentLog.objects.get(order_id=body["id"], step="shipping.quoted")
    assert log.outcome == LogOutcome.RETRY
    assert "quoted again before the order goes to CJ" in log.message


@pytest.mark.django_db
def test_the_outbox_quotes_a_pending_order_again_before_sending_it(merchant, account, variant, fake_supplier):
    real_quote = fake_supplier.quote_shipping
    fake_supplier.quote_shipping = lambda *a, **k: (_ for _ in ()).throw(SupplierUnavailable("CJ answered 502"))
    order, _ = actions.create_order(merchant, order_input(variant, 2))
    fake_supplier.quote_shipping = real_quote
    cache.clear()  # the remembered refusal has expired

    actions.submit_order(order.submission.pk)

    order.refresh_from_db()
    assert order.status == OrderStatus.CONFIRMED
    assert (order.shipping_method, order.shipping_cost) == ("CJPacket Ordinary", Decimal("6.50"))
    assert order.total_amount == Decimal("30.50")


@pytest.mark.django_db
def test_while_cj_still_refuses_the_quote_the_outbox_waits_without_asking_again(
    merchant, account, variant, rate_limited_quotes
):
    order, _ = actions.create_order(merchant, order_input(variant, 1))

    submission = actions.submit_order(order.submission.pk)

    assert submission.state == SubmissionState.PENDING
    assert submission.next_attempt_at >= timezone.now() + timedelta(seconds=1)
    assert quote_calls(rate_limited_quotes) == 1  # the refusal is remembered for CJ's Retry-After
    assert Order.objects.get(pk=order.pk).status == OrderStatus.PENDING


@pytest.mark.django_db
def test_the_quote_action_answers_503_when_cj_rate_limits(api, account, variant, rate_limited_quotes):
    body = {"action": "quote", "country_code": "US", "items": create_body(variant)["items"]}
    api.raise_request_exception = False  # a 503 is reported like any server error; the client gets the answer

    response = api.post(URL, body, format="json")

    assert response.status_code == 503
    assert response.json()["errors"][0]["code"] == "supplier_unavailable"


@pytest.mark.django_db(transaction=True)
def test_concurrent_quotes_for_the_same_destination_and_items_ask_the_supplier_once(
    merchant, account, variant, fake_supplier, monkeypatch
):
    real_quote = fake_supplier.quote_shipping

    def slow_quote(*args, **kwargs):
        time.sleep(0.3)  # long enough for every thread to arrive while the first is asking
        return real_quote(*args, **kwargs)

    monkeypatch.setattr(fake_supplier, "quote_shipping", slow_quote)
    lines = actions.supplier_lines(actions.resolve_lines(merchant, order_input(variant, 2).items))

    results, errors = run_together(12, lambda i: actions.quote_shipping(merchant, lines, to_country_code="US"))

    assert not errors
    assert quote_calls(fake_supplier) == 1
    assert {tuple(results_i) for results_i in results} == {tuple(results[0])}


@pytest.mark.django_db(transaction=True)
def test_a_refusal_is_shared_by_everyone_waiting_for_the_same_quote(merchant, account, variant, fake_supplier):
    def refuse_slowly(*args, **kwargs):
        fake_supplier.calls.append(("quote_shipping", ""))
        time.sleep(0.3)
        raise SupplierRateLimited("Too much request", code=1600200)

    fake_supplier.quote_shipping = refuse_slowly
    lines = actions.supplier_lines(actions.resolve_lines(merchant, order_input(variant, 1).items))

    results, errors = run_together(8, lambda i: actions.quote_shipping(merchant, lines, to_country_code="US"))

    assert not results
    assert len(errors) == 8
    assert all(isinstance(e, SupplierRateLimited) for e in errors)
    assert quote_calls(fake_supplier) == 1


def test_a_caller_gives_up_waiting_for_someone_elses_quote_with_a_transient_error(monkeypatch):
    monkeypatch.setattr(quotes, "WAIT_SECONDS", 0)
    cache.add("orders:quote:stuck:asking", "another process", timeout=60)

    with pytest.raises(SupplierUnavailable):
        quotes.shared_quote("orders:quote:stuck", lambda: pytest.fail("must not ask while another caller is asking"))


# --- against the CJ sandbox, over HTTP ------------------------------------------------------------------------


def _rush(owner, bodies):
    """POST every body at once, one thread and one API client each; returns the status codes."""

    def client_for(index):
        client = jwt_client(owner)
        client.raise_request_exception = False  # a crash must show as the 500 a client would get
        return client, bodies[index]

    race = run_together(
        len(bodies), lambda prepared: prepared[0].post(URL, prepared[1], format="json").status_code, prepare=client_for
    )
    assert race.errors == []
    return race.results


@pytest.mark.django_db(transaction=True)
def test_a_rush_of_orders_while_cj_rate_limits_quotes_answers_201_or_409_never_500(
    cj_sandbox, cj_sandbox_account, merchant, owner
):
    variant = variant_from_sandbox(cj_sandbox, merchant, stock=10)
    cj_sandbox.add_fault(FREIGHT, "rate_limit", count=-1, retry_after=60)

    codes = _rush(owner, [create_body(variant, 1, f"#RL{i}") for i in range(30)])

    assert sorted(codes) == [201] * 10 + [409] * 20
    orders = Order.objects.all()
    assert {(o.status, o.shipping_cost) for o in orders} == {(OrderStatus.PENDING, Decimal("0.00"))}
    assert cj_sandbox.state.stats["by_path"][FREIGHT] == 1  # one question asked; everyone shared the refusal
    assert "shopping/order/createOrderV2" not in cj_sandbox.state.stats["by_path"]  # nothing sent unquoted


@pytest.mark.django_db(transaction=True)
def test_a_rush_of_orders_to_one_destination_asks_cj_for_one_quote(cj_sandbox, cj_sandbox_account, merchant, owner):
    variant = variant_from_sandbox(cj_sandbox, merchant, stock=10)

    codes = _rush(owner, [create_body(variant, 1, f"#Q{i}") for i in range(30)])

    assert sorted(codes) == [201] * 10 + [409] * 20
    assert cj_sandbox.state.stats["by_path"][FREIGHT] == 1
    costs = set(Order.objects.values_list("shipping_cost", flat=True))
    assert len(costs) == 1
    assert costs.pop() > 0
