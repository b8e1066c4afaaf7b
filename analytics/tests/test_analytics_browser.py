"""In a browser: the analytics page draws its charts, and a new range redraws them, with no console errors."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from analytics import actions

from .conftest import Item, make_order


def _log_in(page, live_server, owner) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", owner.email)
    page.fill("input[name=password]", "pass-12345")
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")


def _is_problem(message) -> bool:
    """A console error, except the browser's own favicon request (the app serves none)."""
    return message.type == "error" and not message.location.get("url", "").endswith("/favicon.ico")


def _revenue_points(page) -> list:
    return page.evaluate("() => window.nexusAnalytics.charts.revenue.data.labels.length")


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_the_page_draws_charts_and_redraws_them_for_a_new_range_without_console_errors(
    page, live_server, owner, merchant, box, lamp
):
    for days_ago, item in ((2, Item(box, 3, "12.00", "4.00")), (20, Item(lamp, 1, "20.00", "8.00"))):
        when = timezone.now() - timedelta(days=days_ago)
        actions.record_order(make_order(merchant, [item], confirmed_at=when, shipped_after=timedelta(hours=30)).pk)
    problems: list[str] = []
    page.on("console", lambda msg: problems.append(msg.text) if _is_problem(msg) else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    _log_in(page, live_server, owner)

    page.goto(f"{live_server.url}/analytics/")
    page.wait_for_function("() => window.nexusAnalytics && window.nexusAnalytics.charts.revenue")
    assert _revenue_points(page) == 30
    assert page.locator("[data-card=revenue]").inner_text() == "56.00"

    page.click("button[data-preset='7']")
    page.wait_for_function("() => window.nexusAnalytics.charts.revenue.data.labels.length === 7")
    assert page.locator("[data-card=revenue]").inner_text() == "36.00"
    assert page.evaluate("() => window.nexusAnalytics.charts.products.data.labels") == ["Storage Box"]

    start = (actions.store_today(merchant) - timedelta(days=89)).isoformat()
    page.fill("input[name=start]", start)
    page.fill("input[name=end]", actions.store_today(merchant).isoformat())
    page.click("button[data-custom]")
    page.wait_for_function("() => window.nexusAnalytics.charts.revenue.data.labels.length === 90")
    assert page.locator("[data-card=orders]").inner_text() == "2"
    assert "days=" not in page.url or "start=" in page.url
    assert problems == [], problems
