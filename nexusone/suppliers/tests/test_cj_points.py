"""The points ledger: CJ's daily budget, the reserve for foreground calls, CJ's pointsInfo, exhaustion and reset."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest
import requests
import responses
import time_machine

from nexusone.suppliers.base import SupplierPointsReserved, SupplierQuotaExhausted
from nexusone.suppliers.budget import Purpose, spending
from nexusone.suppliers.cj.points import PointsLedger, daily_budget

from .cj_payloads import BASE, CREATED_ORDER, INVENTORY_BY_PID, PID, PRODUCT, TRACK_INFO, VID, ok
from .test_cj_resilience import order_request

pytestmark = pytest.mark.django_db
QUERY = f"{BASE}/product/query"
STOCK = f"{BASE}/product/stock/getInventoryByPid"
OUT_OF_POINTS = {
    "code": 429,
    "result": False,
    "message": "Insufficient API points, please try again after the daily reset",
    "pointsInfo": {"usedToday": 50000, "remaining": 0, "total": 50000},
}


def test_the_daily_budget_is_50000_points_plus_100_per_usd_of_best_monthly_sales(connected_account):
    assert daily_budget(0) == 50_000
    assert daily_budget(Decimal("1234.50")) == 50_000 + 123_450
    connected_account.best_monthly_sales_usd = Decimal("300")
    status = PointsLedger(connected_account).status()
    assert status.budget == 80_000
    assert status.reserve == 16_000  # 20% by default
    assert status.background_budget == 64_000


def test_the_reserve_follows_its_setting(connected_account, settings):
    settings.CJ_POINTS_RESERVE_PERCENT = 10
    assert PointsLedger(connected_account).status().reserve == 5_000


@responses.activate
def test_each_call_is_charged_from_the_points_table_and_free_calls_cost_nothing(connected_account, make_client):
    responses.get(QUERY, json=ok(PRODUCT))
    responses.get(STOCK, json=ok(INVENTORY_BY_PID))
    responses.get(f"{BASE}/logistic/trackInfo", json=ok(TRACK_INFO))
    client = make_client(connected_account)
    client.get_product(PID)
    client.get_product_stock(PID)
    client.get_tracking(["CJPKL7160102171YQ"])
    status = PointsLedger(connected_account).status()
    assert status.used == 20
    assert status.remaining == 49_980
    assert status.by_purpose == {"foreground": 20, "background": 0}


@responses.activate
def test_points_used_start_again_at_midnight_utc(connected_account, make_client):
    responses.get(QUERY, json=ok(PRODUCT))
    ledger = PointsLedger(connected_account)
    with time_machine.travel(datetime(2026, 12, 7, 23, 59, 30, tzinfo=UTC), tick=False):
        make_client(connected_account).get_product(PID)
        assert ledger.status().used == 10
        assert ledger.status().resets_at == datetime(2026, 12, 8, tzinfo=UTC)
    with time_machine.travel(datetime(2026, 12, 8, 0, 0, 30, tzinfo=UTC), tick=False):
        assert ledger.status().used == 0
        make_client(connected_account).get_product(PID)
        assert ledger.status().used == 10


def test_cj_points_info_replaces_our_count_and_budget(connected_account):
    ledger = PointsLedger(connected_account)
    ledger.charge("product/query", Purpose.FOREGROUND)
    ledger.correct({"usedToday": 31_200, "remaining": 28_800, "total": 60_000})
    status = ledger.status()
    assert (status.used, status.budget, status.remaining) == (31_200, 60_000, 28_800)


def test_the_projection_to_the_reset_extrapolates_the_day_so_far(connected_account):
    ledger = PointsLedger(connected_account)
    with time_machine.travel(datetime(2026, 12, 7, 6, 0, tzinfo=UTC), tick=False):
        ledger.correct({"usedToday": 10_000, "remaining": 40_000, "total": 50_000})
        assert ledger.status().projected_at_reset() == 40_000


@responses.activate
def test_background_reads_stop_where_the_reserve_begins_and_foreground_reads_use_it(connected_account, make_client):
    responses.get(QUERY, json=ok(PRODUCT))
    ledger = PointsLedger(connected_account)
    ledger.correct({"usedToday": 39_995, "remaining": 10_005, "total": 50_000})  # 5 points short of the reserve
    client = make_client(connected_account)
    with spending(Purpose.BACKGROUND), pytest.raises(SupplierPointsReserved) as refused:
        client.get_product(PID)
    assert len(responses.calls) == 0  # refused before it was sent
    assert "kept for imports, shipping quotes and stock checks at order time" in str(refused.value)
    assert refused.value.retry_after > 0
    assert client.get_product(PID).product_id == PID  # an import or order check still reads
    assert ledger.status().used == 40_005


@responses.activate
def test_after_cj_runs_out_of_points_reads_pause_until_midnight_while_orders_and_tracking_go_on(
    connected_account, make_client, fake_clock
):
    responses.get(QUERY, status=429, json=OUT_OF_POINTS)
    responses.post(f"{BASE}/shopping/order/createOrderV2", json=ok(CREATED_ORDER))
    responses.get(f"{BASE}/logistic/trackInfo", json=ok(TRACK_INFO))
    client = make_client(connected_account)
    with time_machine.travel(datetime(2026, 12, 7, 18, 0, tzinfo=UTC), tick=False):
        with pytest.raises(SupplierQuotaExhausted):
            client.get_product(PID)
        with pytest.raises(SupplierQuotaExhausted) as paused:
            client.get_stock([VID])
        assert paused.value.retry_after == pytest.approx(6 * 3600)
        assert client.create_order(order_request()).order_id == CREATED_ORDER["orderId"]
        assert client.get_tracking(["CJPKL7160102171YQ"])
        assert PointsLedger(connected_account).status().exhausted
    assert [call.request.url.split("/v1/")[1].split("?")[0] for call in responses.calls] == [
        "product/query",
        "shopping/order/createOrderV2",
        "logistic/trackInfo",
    ]
    assert fake_clock.sleeps == []


@responses.activate
def test_reads_resume_after_the_reset(connected_account, make_client):
    responses.get(QUERY, status=429, json=OUT_OF_POINTS)
    responses.get(QUERY, json=ok(PRODUCT))
    client = make_client(connected_account)
    with (
        time_machine.travel(datetime(2026, 12, 7, 23, 0, tzinfo=UTC), tick=False),
        pytest.raises(SupplierQuotaExhausted),
    ):
        client.get_product(PID)
    with time_machine.travel(datetime(2026, 12, 8, 0, 1, tzinfo=UTC), tick=False):
        assert client.get_product(PID).product_id == PID
        assert not PointsLedger(connected_account).status().exhausted


@responses.activate
def test_a_call_that_never_reached_cj_costs_no_points(connected_account, make_client):
    responses.get(QUERY, body=requests.ConnectionError("Failed to establish a new connection"))
    with pytest.raises(Exception):  # noqa: B017 - the transport error itself is tested elsewhere
        make_client(connected_account, max_attempts=1).get_product(PID)
    assert PointsLedger(connected_account).status().used == 0


def test_stores_sharing_a_cj_account_share_one_ledger(connected_account, merchant):
    from nexusone.suppliers.models import SupplierAccount
    from tests.factories import MerchantFactory

    twin = SupplierAccount(merchant=MerchantFactory(), supplier="cj", api_key=connected_account.api_key)
    PointsLedger(connected_account).charge("product/query", Purpose.FOREGROUND)
    assert PointsLedger(twin).status().used == 10


def test_the_sandbox_answers_429_with_points_info_once_its_daily_points_are_spent_and_resets_at_midnight(cj_sandbox):
    from nexusone.suppliers.cj.sandbox.state import SandboxState

    state = SandboxState(product_count=1)
    with time_machine.travel(datetime(2026, 12, 7, 22, 0, tzinfo=UTC), tick=False):
        state.reset()
        state.daily_points = 20
        assert state.spend_points("product/query") is None
        assert state.spend_points("product/stock/getInventoryByPid") is None
        assert state.spend_points("shopping/order/createOrderV2") is None  # orders cost nothing
        assert state.spend_points("product/query") == {"usedToday": 20, "remaining": 0, "total": 20}
    with time_machine.travel(datetime(2026, 12, 8, 0, 0, 1, tzinfo=UTC), tick=False):
        assert state.spend_points("product/query") is None
        assert state.points_used == 10


def test_the_sandbox_refuses_reads_over_its_budget_over_http_and_the_client_pauses(cj_sandbox, cj_sandbox_account):
    from nexusone.suppliers.registry import get_supplier

    supplier = get_supplier(cj_sandbox_account)
    pid = next(iter(cj_sandbox.state.products))
    cj_sandbox.control("state", {"daily_points": 10})
    supplier.get_product(pid)
    with pytest.raises(SupplierQuotaExhausted):
        supplier.get_product(pid)
    status = PointsLedger(cj_sandbox_account).status()
    assert status.exhausted
    assert (status.used, status.budget) == (10, 10)  # corrected from the sandbox's pointsInfo
    calls = cj_sandbox.control("state", method="GET")["stats"]["by_path"]["product/query"]
    with pytest.raises(SupplierQuotaExhausted):
        supplier.get_product(pid)
    assert cj_sandbox.control("state", method="GET")["stats"]["by_path"]["product/query"] == calls
