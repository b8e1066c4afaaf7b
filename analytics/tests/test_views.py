"""The analytics page, its htmx partial, and the earnings on the dashboard home."""

from __future__ import annotations

import json
import re
from datetime import timedelta

import pytest
from django.utils import timezone

from analytics import actions

from .conftest import Item, make_order

pytestmark = pytest.mark.django_db


@pytest.fixture
def sold(merchant, box):
    order = make_order(merchant, [Item(box, 2, "12.50", "4.00")], confirmed_at=timezone.now() - timedelta(days=10))
    actions.record_order(order.pk)
    return order


def _chart_data(html: str) -> dict:
    return json.loads(re.search(r'<script id="analytics-data" type="application/json">(.*?)</script>', html, re.S)[1])


def test_the_page_shows_cards_charts_data_and_the_csv_link(viewer_client, sold):
    response = viewer_client.get("/analytics/")

    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-card="revenue">25.00<' in html
    assert "/api/analytics/export?from=" in html
    assert 'src="/static/vendor/chart.umd.min.js"' in html
    assert len(_chart_data(html)["series"]) == 30


def test_a_preset_range_to_htmx_returns_only_the_report(owner_client, sold):
    response = owner_client.get("/analytics/", {"days": "7"}, HTTP_HX_REQUEST="true")

    html = response.content.decode()
    assert html.lstrip().startswith('<div id="report"')
    assert 'data-card="revenue">0.00<' in html  # the sale was 10 days ago
    assert len(_chart_data(html)["series"]) == 7


def test_a_custom_range_that_ends_before_it_starts_says_so_and_shows_30_days(owner_client, sold):
    response = owner_client.get("/analytics/", {"start": "2026-03-10", "end": "2026-03-01"})

    html = response.content.decode()
    assert "The range starts after it ends" in html
    assert len(_chart_data(html)["series"]) == 30


def test_no_inline_script_on_the_page(owner_client, sold):
    html = owner_client.get("/analytics/").content.decode()

    scripts = re.findall(r"<script(?P<attrs>[^>]*)>(?P<body>.*?)</script>", html, re.S)
    assert all("src=" in attrs or 'type="application/json"' in attrs for attrs, _ in scripts)


def test_another_store_sees_none_of_the_figures(client, other_owner, sold):
    client.force_login(other_owner)

    html = client.get("/analytics/").content.decode()

    assert 'data-card="revenue">0.00<' in html


def test_the_dashboard_shows_the_last_30_days_earnings(owner_client, sold):
    html = owner_client.get("/").content.decode()

    assert "Your earnings" in html
    assert "7.50 USD" in html  # 30% of 25.00
