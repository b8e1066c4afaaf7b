"""In a browser, against the CJ sandbox: an order entered by hand with two items found by search and a
shipping option chosen from CJ's quote."""

import re

import pytest

from orders.models import Order
from tests.factories import ProductFactory, VariantFactory


def _catalog_variant(sandbox_product, merchant):
    """Our catalog row for a sandbox product's first variant in stock in China (as an import writes it)."""
    sandbox_variant = next(v for v in sandbox_product.variants if v.total("CN") >= 10)
    product = ProductFactory(
        merchant=merchant, external_id=sandbox_product.pid, name=sandbox_product.name_en, price="19.90"
    )
    return VariantFactory(
        product=product,
        external_id=sandbox_variant.vid,
        sku=sandbox_variant.sku,
        name=sandbox_variant.key,
        price="19.90",
        cost_price=str(sandbox_variant.sell_price),
        stock_quantity=10,
    )


def _settled(page) -> None:
    """Wait until htmx has swapped and processed the new form: typing into a field htmx has not yet wired up
    would fire no search."""
    page.wait_for_function(
        "() => !document.querySelector('.htmx-request, .htmx-swapping, .htmx-settling, .htmx-added')"
    )


def _pick(page, row: int, search: str, variant) -> None:
    page.fill(f"input[name=items-{row}-search]", search)
    choice = page.locator(f"#items-{row}-results input[value='{variant.pk}']")
    choice.wait_for()
    choice.check()


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_an_order_with_two_items_found_by_search_and_a_chosen_shipping_option_is_created(
    page, live_server, owner, merchant, cj_sandbox, cj_sandbox_account
):
    in_stock = [
        p for p in cj_sandbox.state.products.values() if p.on_sale and any(v.total("CN") >= 10 for v in p.variants)
    ]
    first, second = (_catalog_variant(p, merchant) for p in in_stock[:2])
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", owner.email)
    page.fill("input[name=password]", "pass-12345")
    page.click("button[type=submit]")

    page.goto(f"{live_server.url}/orders/new/")
    page.fill("input[name=reference]", "#6001")
    page.fill("input[name=customer_name]", "Grace Hopper")
    page.fill("input[name=customer_email]", "grace@example.com")
    page.fill("input[name=line1]", "1 Navy Way")
    page.fill("input[name=city]", "Arlington")
    page.select_option("select[name=country_code]", "US")
    _pick(page, 0, first.product.name, first)
    page.fill("input[name=items-0-quantity]", "2")
    page.click("button[value=add]")
    page.locator("#items-1").wait_for()
    _settled(page)
    _pick(page, 1, second.sku, second)

    page.click("button[value=quote]")
    options = page.locator("#shipping-options input[name=shipping_method]")
    options.first.wait_for()
    assert options.count() >= 2
    chosen = options.nth(1).get_attribute("value")
    options.nth(1).check()
    assert page.locator(f"#items-0-results input[value='{first.pk}']").is_checked()  # the swap kept the picks
    page.click("button[value=create]")

    page.wait_for_url(re.compile(r"/orders/[0-9a-f-]{36}/$"))
    order = Order.objects.get(reference="#6001")
    assert order.shipping_method == chosen
    assert sorted((line.variant_id, line.quantity) for line in order.lines.all()) == sorted(
        [(first.pk, 2), (second.pk, 1)]
    )
    assert "Grace Hopper" in page.content()
