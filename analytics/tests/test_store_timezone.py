"""The store's time zone: set in Settings or by PATCH /api/merchant, audited, and the rollups re-dayed."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from analytics import actions
from analytics.models import MerchantDay
from nexusone.core.models import AuditEvent

from .conftest import Item, make_order

pytestmark = pytest.mark.django_db


@pytest.fixture
def _eager_tasks():
    from nexusone.celery import app

    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = previous


@pytest.mark.usefixtures("_eager_tasks")
def test_a_new_time_zone_is_audited_and_moves_orders_to_their_new_store_day(
    api, merchant, box, django_capture_on_commit_callbacks
):
    order = make_order(merchant, [Item(box, 1, "10.00", "4.00")], confirmed_at=datetime(2026, 3, 10, 3, 30, tzinfo=UTC))
    actions.record_order(order.pk)

    with django_capture_on_commit_callbacks(execute=True):
        response = api.patch("/api/merchant", {"timezone": "America/New_York"})

    merchant.refresh_from_db()
    assert response.status_code == 200
    assert merchant.timezone == "America/New_York"
    assert AuditEvent.objects.filter(merchant=merchant, action="merchant.timezone_changed").count() == 1
    assert list(MerchantDay.objects.filter(merchant=merchant, orders=1).values_list("day", flat=True)) == [
        datetime(2026, 3, 9).date()
    ]


def test_an_unknown_time_zone_is_a_400_naming_timezone_and_nothing_changes(api, merchant):
    response = api.patch("/api/merchant", {"timezone": "Mars/Olympus_Mons"})

    merchant.refresh_from_db()
    assert response.status_code == 400
    assert response.json()["errors"][0]["attr"] == "timezone"
    assert merchant.timezone == "UTC"


def test_the_settings_page_saves_the_time_zone(owner_client, merchant):
    response = owner_client.post("/accounts/settings/", {"name": merchant.name, "timezone": "Europe/Paris"})

    merchant.refresh_from_db()
    assert response.status_code == 302
    assert merchant.timezone == "Europe/Paris"
