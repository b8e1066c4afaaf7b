"""Retries with backoff (fake clock), no blind resend of an order, the circuit breaker, quotas, rate limits."""

from __future__ import annotations

import uuid

import pytest
import requests
import responses

from nexusone.suppliers.base import (
    Address,
    OrderLineRequest,
    OrderRequest,
    SupplierCircuitOpen,
    SupplierOutcomeUnknown,
    SupplierQuotaExhausted,
    SupplierRateLimited,
    SupplierUnavailable,
)
from nexusone.suppliers.cj.circuit import CircuitBreaker, circuit_summary
from nexusone.suppliers.cj.ratelimit import AccountRateLimiter

from .cj_payloads import BASE, CREATED_ORDER, VID, fail, ok

pytestmark = pytest.mark.django_db
SETTINGS = f"{BASE}/setting/get"
CREATE = f"{BASE}/shopping/order/createOrderV2"


def order_request() -> OrderRequest:
    return OrderRequest(
        reference="NX-1",
        address=Address(name="Ann", line1="1 Main St", city="Austin", country_code="US"),
        lines=(OrderLineRequest(VID, 1),),
        shipping_method="USPS+",
    )


@responses.activate
def test_rate_limited_read_backs_off_exponentially_with_jitter_then_succeeds(
    connected_account, make_client, fake_clock
):
    responses.get(SETTINGS, json=fail(1600200, "Too much request"))
    responses.get(SETTINGS, json=fail(1600200, "Too much request"), status=429)
    responses.get(SETTINGS, json=ok({"done": True}))
    assert make_client(connected_account).get_settings() == {"done": True}
    assert len(responses.calls) == 3
    first, second = fake_clock.sleeps
    assert 0.5 <= first <= 1.0  # 0.5 s, plus up to 0.5 s of jitter
    assert 1.0 <= second <= 1.5  # doubled


@responses.activate
def test_retry_after_header_is_honoured(connected_account, make_client, fake_clock):
    responses.get(SETTINGS, json=fail(1600200, "Too much request"), status=429, headers={"Retry-After": "7"})
    responses.get(SETTINGS, json=ok({}))
    make_client(connected_account).get_settings()
    assert fake_clock.sleeps == [7.0]


@responses.activate
def test_server_errors_are_retried_up_to_three_attempts_then_raise(connected_account, make_client, fake_clock):
    responses.get(SETTINGS, body="<html>502</html>", status=502)
    with pytest.raises(SupplierUnavailable):
        make_client(connected_account).get_settings()
    assert len(responses.calls) == 3
    assert len(fake_clock.sleeps) == 2


@responses.activate
def test_timeouts_are_retried_for_reads(connected_account, make_client):
    responses.get(SETTINGS, body=requests.ReadTimeout("read timed out"))
    responses.get(SETTINGS, json=ok({"ok": 1}))
    assert make_client(connected_account).get_settings() == {"ok": 1}


@responses.activate
def test_points_exhaustion_is_not_retried_and_pauses_later_calls(connected_account, make_client, fake_clock):
    query = f"{BASE}/product/query"
    responses.get(
        query,
        status=429,
        json={
            "code": 429,
            "result": False,
            "message": "Insufficient API points",
            "pointsInfo": {"usedToday": 50000, "remaining": 0, "total": 50000},
        },
    )
    client = make_client(connected_account)
    with pytest.raises(SupplierQuotaExhausted):
        client.get_product("PID-1")
    with pytest.raises(SupplierQuotaExhausted):
        client.get_product("PID-1")
    assert len(responses.calls) == 1
    assert fake_clock.sleeps == []
    from nexusone.suppliers.cj.points import PointsLedger

    assert PointsLedger(connected_account).status().reported["usedToday"] == 50000


@responses.activate
def test_order_create_with_a_5xx_answer_is_not_resent_and_reports_an_unknown_outcome(connected_account, make_client):
    responses.post(CREATE, body="bad gateway", status=502)
    with pytest.raises(SupplierOutcomeUnknown):
        make_client(connected_account).create_order(order_request())
    assert len(responses.calls) == 1


@responses.activate
def test_order_create_that_times_out_is_not_resent(connected_account, make_client):
    responses.post(CREATE, body=requests.ReadTimeout("read timed out"))
    with pytest.raises(SupplierOutcomeUnknown):
        make_client(connected_account).create_order(order_request())
    assert len(responses.calls) == 1


@responses.activate
def test_order_create_that_never_connected_is_retried(connected_account, make_client):
    responses.post(CREATE, body=requests.ConnectTimeout("connect timed out"))
    responses.post(CREATE, json=ok(CREATED_ORDER))
    assert make_client(connected_account).create_order(order_request()).order_id == CREATED_ORDER["orderId"]
    assert len(responses.calls) == 2


@responses.activate
def test_rate_limited_order_create_is_retried_because_cj_refused_it(connected_account, make_client):
    responses.post(CREATE, json=fail(1600200, "Too much request"))
    responses.post(CREATE, json=ok(CREATED_ORDER))
    assert make_client(connected_account).create_order(order_request()).status == "CREATED"


@responses.activate
def test_circuit_opens_after_repeated_failures_and_then_fails_fast(connected_account, make_client, settings):
    settings.CJ_CIRCUIT_THRESHOLD = 3
    responses.get(SETTINGS, body="down", status=503)
    client = make_client(connected_account, max_attempts=1)
    for _ in range(3):
        with pytest.raises(SupplierUnavailable):
            client.get_settings()
    with pytest.raises(SupplierCircuitOpen):
        client.get_settings()
    with pytest.raises(SupplierCircuitOpen):
        client.create_order(order_request())  # writes pause too, nothing sent
    assert len(responses.calls) == 3
    ok_state, detail = circuit_summary()
    assert ok_state is False
    assert "open" in detail


@responses.activate
def test_a_successful_probe_after_the_cooldown_closes_the_circuit(connected_account, make_client, fake_clock, settings):
    settings.CJ_CIRCUIT_THRESHOLD = 2
    settings.CJ_CIRCUIT_COOLDOWN = 30
    responses.get(SETTINGS, body="down", status=503)
    client = make_client(connected_account, max_attempts=1)
    for _ in range(2):
        with pytest.raises(SupplierUnavailable):
            client.get_settings()
    assert CircuitBreaker.for_cj(fake_clock.time).state() == "open"
    fake_clock.now += 31
    assert CircuitBreaker.for_cj(fake_clock.time).state() == "half-open"
    responses.replace(responses.GET, SETTINGS, json=ok({"back": True}))
    assert client.get_settings() == {"back": True}
    assert CircuitBreaker.for_cj(fake_clock.time).state() == "closed"
    assert circuit_summary()[0] is True


@responses.activate
def test_a_failed_probe_opens_the_circuit_again(connected_account, make_client, fake_clock, settings):
    settings.CJ_CIRCUIT_THRESHOLD = 2
    responses.get(SETTINGS, body="down", status=503)
    client = make_client(connected_account, max_attempts=1)
    for _ in range(2):
        with pytest.raises(SupplierUnavailable):
            client.get_settings()
    fake_clock.now += 31
    with pytest.raises(SupplierUnavailable):
        client.get_settings()  # the probe
    assert CircuitBreaker.for_cj(fake_clock.time).state() == "open"
    with pytest.raises(SupplierCircuitOpen):
        client.get_settings()
    assert len(responses.calls) == 3


def test_only_one_caller_probes_a_half_open_circuit(fake_clock):
    breaker = CircuitBreaker(threshold=1, cooldown=10, clock=fake_clock.time)
    breaker.record_failure()
    fake_clock.now += 11
    breaker.before_call()  # the probe
    with pytest.raises(SupplierCircuitOpen):
        breaker.before_call()


def test_health_ready_reports_the_circuit_state(client, fake_clock):
    breaker = CircuitBreaker(threshold=1, cooldown=60)
    breaker.record_failure()
    body = client.get("/health/ready").json()
    assert "open" in str(body)


def test_two_workers_sharing_an_account_never_exceed_its_qps(fake_clock):
    """Two limiters (as in two processes) on the same Redis key, taking turns: no second holds more than 5 calls."""
    key = f"shared-test-account-{uuid.uuid4().hex}"
    workers = [AccountRateLimiter(key, 5, sleep=fake_clock.sleep, clock=fake_clock.time) for _ in range(2)]
    granted: list[float] = []

    for turn in range(12):
        with workers[turn % 2].slot():
            granted.append(fake_clock.time())

    assert len(granted) == 12
    assert granted[:5] == [granted[0]] * 5  # the first five go at once
    assert all(granted[i + 5] - granted[i] >= 1.0 - 1e-6 for i in range(len(granted) - 5))
    assert fake_clock.sleeps  # the sixth call waited for the window to move on


def test_waiting_too_long_for_a_slot_raises_rate_limited(fake_clock):
    limiter = AccountRateLimiter("impatient", 1, sleep=fake_clock.sleep, clock=fake_clock.time)
    limiter.acquire()
    with pytest.raises(SupplierRateLimited):
        limiter.acquire(timeout=0.5)


@responses.activate
def test_a_retry_after_longer_than_the_retry_budget_is_left_to_the_caller(connected_account, make_client, fake_clock):
    responses.get(SETTINGS, json=fail(1600200, "Too much request"), status=429, headers={"Retry-After": "600"})
    with pytest.raises(SupplierRateLimited) as excinfo:
        make_client(connected_account).get_settings()
    assert excinfo.value.retry_after == 600
    assert fake_clock.sleeps == []
