"""Every page an owner can open: covered by the walk, renders, logs nothing in the console, fits a phone."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.page_walk import (
    DESKTOP,
    NOT_PAGES,
    PAGES,
    PHONE,
    build_world,
    html_routes,
    log_in,
    page_urls,
    report,
    walk,
    wider_than,
)


def test_every_html_route_is_walked_or_named_as_not_a_page():
    routes = set(html_routes())

    unwalked = routes - set(PAGES) - set(NOT_PAGES)
    stale = (set(PAGES) | set(NOT_PAGES)) - routes

    assert not unwalked, (
        f"New HTML routes: add them to PAGES (or NOT_PAGES, saying why) in tests/page_walk.py: {unwalked}"
    )
    assert not stale, f"tests/page_walk.py names routes that no longer exist: {stale}"


@pytest.mark.django_db
def test_every_walked_page_renders_a_whole_page_for_the_owner(owner_client, merchant, owner, fake_supplier):
    world = build_world(merchant, owner)

    for name, path in page_urls(world).items():
        response = owner_client.get(path, follow=True)
        assert response.status_code == 200, f"{name} ({path}) answered {response.status_code}"
        assert b"<html" in response.content, f"{name} ({path}) is not a whole page"


@pytest.mark.django_db
def test_routes_named_post_only_refuse_a_get(owner_client, merchant, owner, fake_supplier):
    world = build_world(merchant, owner)
    args = {
        "accounts:member_update": [merchant.memberships.get().pk],
        "inventory:change_decide": [world.sync_run.changes.first().pk, "approve"],
        "orders:action": [world.order.pk, "cancel"],
        "extension_auth:revoke": [world.extras["session"].pk],
        "notifications:read": [world.extras["notification"].pk],
    }

    for name, reason in NOT_PAGES.items():
        if reason != "POST only":
            continue
        response = owner_client.get(reverse(name, args=args.get(name, [])))
        assert response.status_code == 405, f"{name} answered {response.status_code} to GET"


@pytest.fixture
def walk_world(transactional_db, merchant, owner, fake_supplier):
    return build_world(merchant, owner)


@pytest.mark.e2e
def test_no_page_logs_a_console_error_or_a_csp_violation_or_scrolls_sideways_on_a_desktop(
    browser, live_server, client, walk_world
):
    context = browser.new_context(viewport=DESKTOP)
    log_in(context, live_server.url, client, walk_world.owner)

    problems = walk(context, live_server.url, page_urls(walk_world), wider_than(DESKTOP))

    context.close()
    assert not problems, report(problems)


@pytest.mark.e2e
def test_no_page_scrolls_sideways_or_logs_a_console_error_on_a_phone(browser, live_server, client, walk_world):
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    log_in(context, live_server.url, client, walk_world.owner)

    problems = walk(context, live_server.url, page_urls(walk_world), wider_than(PHONE))

    context.close()
    assert not problems, report(problems)


@pytest.mark.e2e
def test_on_a_phone_the_navigation_is_a_menu_that_opens(browser, live_server, client, walk_world):
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    log_in(context, live_server.url, client, walk_world.owner)
    page = context.new_page()
    page.goto(f"{live_server.url}/")
    orders_link = page.get_by_role("navigation", name="Main").get_by_role("link", name="Orders")
    menu = page.get_by_role("button", name="Menu")

    assert not orders_link.is_visible()
    assert menu.get_attribute("aria-expanded") == "false"
    menu.click()
    orders_link.wait_for(state="visible")
    assert menu.get_attribute("aria-expanded") == "true"
    orders_link.click()
    page.wait_for_url("**/orders/")
    context.close()
