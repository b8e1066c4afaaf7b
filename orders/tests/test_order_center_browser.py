"""In a browser, against the CJ sandbox: enter an order by hand, watch it become confirmed, follow it home."""

import re

import pytest

from orders.models import Order

from .conftest import variant_from_sandbox


def _log_in(page, live_server, owner):
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", owner.email)
    page.fill("input[name=password]", "pass-12345")
    page.click("button[type=submit]")


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_an_order_entered_in_the_order_center_becomes_confirmed_and_is_followed_to_delivery(
    page, live_server, owner, merchant, cj_sandbox, cj_sandbox_account
):
    variant = variant_from_sandbox(cj_sandbox, merchant)
    cj_sandbox.state.webhook_url_override = f"{live_server.url}/api/webhooks/cj"  # CJ's webhooks reach us
    cj_sandbox.state.deliver_synchronously = True  # …before the sandbox answers, so the page shows them
    _log_in(page, live_server, owner)

    page.goto(f"{live_server.url}/orders/")
    page.click("text=Enter an order")
    page.fill("input[name=reference]", "#5001")
    page.fill("input[name=customer_name]", "Grace Hopper")
    page.fill("input[name=customer_email]", "grace@example.com")
    page.fill("input[name=line1]", "1 Navy Way")
    page.fill("input[name=city]", "Arlington")
    page.select_option("select[name=country_code]", "US")
    page.fill("input[name=items-0-search]", variant.sku)
    page.locator(f"#items-0-results input[value='{variant.pk}']").check()
    page.fill("input[name=items-0-quantity]", "2")
    page.click("#order-form button[value=create]")

    page.wait_for_url(re.compile(r"/orders/[0-9a-f-]{36}/$"))
    status = page.locator("#order-status")
    status.filter(has_text="Confirmed").wait_for(timeout=15_000)
    order = Order.objects.get(reference="#5001")
    assert order.external_order_id in page.content()

    page.once("dialog", lambda dialog: dialog.accept())
    page.click("#sandbox-controls button[data-step=SHIPPED]")
    page.locator("#order-status").filter(has_text="Shipped").wait_for(timeout=15_000)
    page.click("#sandbox-controls button[data-step=DELIVERED]")
    page.locator("#order-status").filter(has_text="Delivered").wait_for(timeout=15_000)
    assert page.locator(".tracking-events tr").count() >= 5

    page.goto(f"{live_server.url}/orders/?search=%235001")
    assert page.locator("#orders-table tr[data-order='#5001']").count() == 1


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_cancelling_from_the_order_page_asks_first_and_gives_the_stock_back(
    page, live_server, owner, merchant, cj_sandbox, cj_sandbox_account
):
    from orders import actions

    from .conftest import order_input

    variant = variant_from_sandbox(cj_sandbox, merchant)
    order, _ = actions.create_order(merchant, order_input(variant, 4, "#5002"))
    _log_in(page, live_server, owner)
    page.goto(f"{live_server.url}/orders/{order.pk}/")
    page.locator("#order-status").filter(has_text="Confirmed").wait_for()

    page.once("dialog", lambda dialog: dialog.dismiss())
    page.click("#cancel-order")
    order.refresh_from_db()
    assert order.status == "confirmed"

    page.once("dialog", lambda dialog: dialog.accept())
    page.click("#cancel-order")
    page.locator("#order-status").filter(has_text="Cancelled").wait_for()
    variant.refresh_from_db()
    assert variant.stock_quantity == 25
