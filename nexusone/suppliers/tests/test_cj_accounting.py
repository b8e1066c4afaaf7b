"""Call accounting per account per day, call logs without secrets, and their pruning."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest
import responses
from django.utils import timezone

from nexusone.suppliers.base import SupplierAuthError
from nexusone.suppliers.cj.accounting import points_for, usage_today
from nexusone.suppliers.cj.points import PointsLedger
from nexusone.suppliers.models import SupplierAccount, SupplierCallLog
from nexusone.suppliers.tasks import prune_call_logs

from .cj_payloads import BASE, INVENTORY_BY_PID, PID, TOKEN, fail, ok

pytestmark = pytest.mark.django_db
API_KEY = "CJ1234567@api@0123456789abcdef0123456789abcdef"


@responses.activate
def test_calls_and_points_are_counted_per_account_per_day(connected_account, make_client):
    responses.get(f"{BASE}/product/stock/getInventoryByPid", json=ok(INVENTORY_BY_PID))
    client = make_client(connected_account)
    client.get_product_stock(PID)
    client.get_product_stock(PID)
    usage = usage_today(connected_account.pk)
    assert usage.calls == 2
    assert PointsLedger(connected_account).status().used == 20
    log = SupplierCallLog.objects.filter(account=connected_account).first()
    assert log.endpoint == "product/stock/getInventoryByPid"
    assert log.http_status == 200
    assert log.supplier_code == "200"
    assert log.request_id == "5f0c2d1e-8a4b-4c7e-9d61-0b3a7e2f4c19"
    assert log.points == 10
    assert log.merchant_id == connected_account.merchant_id


@responses.activate
def test_secrets_never_reach_logs_or_call_log_rows(merchant, cj_settings, make_client, caplog):
    cj_settings.CJ_TOKEN_LOGIN_INTERVAL = 0
    account = SupplierAccount.objects.create(merchant=merchant, supplier="cj", api_key=API_KEY, qps=1000)
    responses.post(f"{BASE}/authentication/getAccessToken", json=ok(TOKEN))
    responses.get(f"{BASE}/setting/get", json=fail(1600001, "Invalid API key or access token"))
    responses.post(f"{BASE}/authentication/refreshAccessToken", json=fail(1600003, "Refresh token is invalid"))
    caplog.set_level(logging.DEBUG)
    with pytest.raises(SupplierAuthError):
        make_client(account).get_settings()
    secrets = [API_KEY, TOKEN["accessToken"], TOKEN["refreshToken"]]
    logged = caplog.text
    assert "setting/get" in logged
    for secret in secrets:
        assert secret not in logged
    rows = " ".join(str(value) for row in SupplierCallLog.objects.values() for value in row.values())
    assert "authentication/getAccessToken" in rows
    for secret in secrets:
        assert secret not in rows


def test_call_logs_older_than_seven_days_are_pruned(connected_account):
    old = SupplierCallLog.objects.create(
        merchant=connected_account.merchant,
        account=connected_account,
        method="GET",
        endpoint="setting/get",
        created_at=timezone.now() - timedelta(days=8),
    )
    recent = SupplierCallLog.objects.create(
        merchant=connected_account.merchant,
        account=connected_account,
        method="GET",
        endpoint="setting/get",
        created_at=timezone.now() - timedelta(days=6),
    )
    assert prune_call_logs() == 1
    assert not SupplierCallLog.objects.filter(pk=old.pk).exists()
    assert SupplierCallLog.objects.filter(pk=recent.pk).exists()


def test_pruning_is_scheduled_daily():
    from django_celery_beat.models import PeriodicTask

    task = PeriodicTask.objects.get(name="prune supplier call logs")
    assert task.task == "nexusone.suppliers.tasks.prune_call_logs"
    assert task.interval.period == "days"


@pytest.mark.parametrize(
    ("endpoint", "points"),
    [
        ("product/listV2", 50),
        ("product/list", 50),
        ("product/query", 10),
        ("product/variant/queryByVid", 10),
        ("product/stock/getInventoryByPid", 10),
        ("logistic/freightCalculate", 10),
        ("webhook/product/subscribe", 10),
        ("product/queryProductsByImage", 1000),
        ("shopping/order/createOrderV2", 0),
        ("authentication/getAccessToken", 0),
        ("webhook/set", 0),
    ],
)
def test_a_call_costs_the_points_cj_documents_for_it(endpoint, points):
    assert points_for(endpoint) == points
