"""Entering an order by hand: item rows picked from the catalog, CJ's shipping options, the API's rules."""

from decimal import Decimal
from html import unescape

import pytest
from django.urls import reverse

from nexusone.suppliers.base import SupplierRejected, SupplierUnavailable
from orders.models import Order
from tests.factories import ProductFactory, VariantFactory

from .conftest import create_body, entry_form

pytestmark = pytest.mark.django_db

HX = {"HX-Request": "true"}
NEW = "orders:new"


def _block(html: str, start: str, end: str = "</fieldset>") -> str:
    """The part of the page from `start` to the next `end` (a row, a field, the shipping section)."""
    at = html.index(start)
    return html[at : html.index(end, at)]


def _field(html: str, name: str) -> str:
    return _block(html, f'name="{name}"', "</div>")


def test_the_page_starts_with_one_item_row_a_country_list_and_no_typed_shipping_method(owner_client, account):
    html = owner_client.get(reverse(NEW)).content.decode()

    assert html.count('class="card item-row"') == 1
    assert 'name="items-0-search"' in html
    assert '<select name="country_code"' in html
    assert '<option value="US">United States</option>' in html
    assert '<option value="DE">Germany</option>' in html
    assert 'type="text" name="shipping_method"' not in html
    assert "Get shipping options" in html


def test_adding_an_item_appends_a_row_and_keeps_what_was_typed(owner_client, account, variant):
    response = owner_client.post(reverse(NEW), entry_form(variant, intent="add"), headers=HX)

    html = response.content.decode()
    assert "<html" not in html  # htmx gets the form only
    assert html.count('class="card item-row"') == 2
    assert 'value="#W1"' in html
    assert f'name="items-0-variant" value="{variant.pk}" checked' in html
    assert 'name="items-1-quantity" value="1"' in html
    assert "errorlist" not in html  # adding a row is not submitting the order
    assert not Order.objects.exists()


def test_removing_an_item_drops_that_row_and_renumbers_the_rest(owner_client, account, variant, second_variant):
    data = entry_form(variant, second_variant, intent="remove:0", **{"items-1-quantity": "3"})

    html = owner_client.post(reverse(NEW), data, headers=HX).content.decode()

    assert html.count('class="card item-row"') == 1
    assert f'name="items-0-variant" value="{second_variant.pk}" checked' in html
    assert 'name="items-0-quantity" value="3"' in html
    assert str(variant.pk) not in html
    assert "Remove item" not in html  # the last row stays


def test_rows_are_added_and_removed_by_plain_form_posts_too(owner_client, account, variant):
    added = owner_client.post(reverse(NEW), entry_form(variant, intent="add"))
    assert added.status_code == 200
    assert "<html" in added.content.decode()
    assert added.content.decode().count('class="card item-row"') == 2

    data = entry_form(variant, intent="remove:1", **{"items-TOTAL_FORMS": "2", "items-1-quantity": "1"})
    removed = owner_client.post(reverse(NEW), data).content.decode()
    assert removed.count('class="card item-row"') == 1


def test_searching_a_row_lists_catalog_variants_with_their_stock(owner_client, account, variant, second_variant):
    data = entry_form(variant, intent="search", **{"items-TOTAL_FORMS": "2", "items-1-search": "lamp"})

    response = owner_client.post(reverse(NEW), data, headers={**HX, "HX-Trigger-Name": "items-1-search"})

    html = response.content.decode()
    assert html.lstrip().startswith('<div id="items-1-results"')  # only that row's results
    assert "Desk Lamp" in html
    assert "Foldable Storage Box" not in html
    row = _block(html, f'data-variant="{second_variant.pk}"', "</tr>")
    assert f'name="items-1-variant" value="{second_variant.pk}"' in row
    assert "<td data-stock>5</td>" in row
    assert "20.00 USD" in row


def test_the_search_matches_a_variant_sku_as_the_inventory_search_does(owner_client, merchant, account):
    product = ProductFactory(merchant=merchant, name="Yoga Mat")
    mat = VariantFactory(product=product, sku="CJYO-PURPLE-XL", name="Purple XL", stock_quantity=7)
    data = entry_form(intent="search", **{"items-0-search": "purple-xl"})

    html = owner_client.post(reverse(NEW), data, headers={**HX, "HX-Trigger-Name": "items-0-search"}).content.decode()

    assert f'value="{mat.pk}"' in html
    assert "<td data-stock>7</td>" in html


def test_another_merchants_products_are_never_offered(owner_client, other_merchant, account, variant):
    ProductFactory(merchant=other_merchant, name="Foldable Storage Box Deluxe")
    data = entry_form(intent="search", **{"items-0-search": "foldable"})

    html = owner_client.post(reverse(NEW), data, headers={**HX, "HX-Trigger-Name": "items-0-search"}).content.decode()

    assert "Foldable Storage Box" in html
    assert "Deluxe" not in html


def test_searching_without_javascript_shows_each_rows_results_in_the_page(owner_client, account, variant):
    html = owner_client.post(reverse(NEW), entry_form(intent="search", **{"items-0-search": "foldable"})).content
    assert b"<html" in html
    assert f'name="items-0-variant" value="{variant.pk}"'.encode() in html


def test_get_shipping_options_shows_cjs_methods_with_price_and_delivery_days(
    owner_client, account, variant, second_variant, fake_supplier
):
    response = owner_client.post(reverse(NEW), entry_form(variant, second_variant, intent="quote"), headers=HX)

    options = _block(response.content.decode(), 'id="shipping-options"', "</table>")
    cheap = _block(options, 'value="CJPacket Ordinary"', "</tr>")
    fast = _block(options, 'value="USPS+"', "</tr>")
    assert '<input type="radio" name="shipping_method" value="CJPacket Ordinary"' in options
    assert '<input type="radio" name="shipping_method" value="USPS+"' in options
    assert "8.50 USD" in cheap
    assert "7-15" in cheap
    assert "12.90 USD" in fast
    assert "4-8" in fast
    assert ("quote_shipping", "US") in fake_supplier.calls
    assert not Order.objects.exists()


def test_the_page_and_the_api_quote_the_same_options(owner_client, api, account, variant):
    page = owner_client.post(reverse(NEW), entry_form(variant, intent="quote"), headers=HX).content.decode()
    body = {"action": "quote", "country_code": "US", "items": create_body(variant)["items"]}
    answer = api.post("/api/order-fulfillment", body, format="json").json()

    for option in answer["options"]:
        row = _block(page, f'value="{option["method"]}"', "</tr>")
        assert f"{option['cost']} {option['currency']}" in row
        assert option["days"] in row


def test_a_quote_without_items_or_country_says_so_beside_them(owner_client, account):
    html = owner_client.post(reverse(NEW), entry_form(intent="quote", country_code=""), headers=HX).content.decode()

    assert "An order needs at least one item." in _block(html, 'id="items-errors"', "</ul>")
    assert "This field may not be blank." in _field(html, "country_code")


def test_a_country_cj_will_not_ship_to_is_named_beside_the_country(owner_client, account, variant, fake_supplier):
    def refuse(lines, *, to_country_code, from_country_code="CN"):
        raise SupplierRejected("Country code is unknown", code=1605002)

    fake_supplier.quote_shipping = refuse

    html = owner_client.post(reverse(NEW), entry_form(variant, intent="quote"), headers=HX).content.decode()

    assert "Country code is unknown" in _field(html, "country_code")


def test_cj_not_answering_a_quote_says_to_try_again(owner_client, account, variant, fake_supplier):
    def down(lines, *, to_country_code, from_country_code="CN"):
        raise SupplierUnavailable("read timed out")

    fake_supplier.quote_shipping = down

    html = owner_client.post(reverse(NEW), entry_form(variant, intent="quote"), headers=HX).content.decode()

    assert "CJ did not answer; nothing was changed. Try again in a moment." in _block(html, "message-error", "</div>")


def test_an_order_of_two_items_is_created_with_the_chosen_shipping_method(
    owner_client, account, variant, second_variant
):
    data = entry_form(variant, second_variant, shipping_method="USPS+", **{"items-1-quantity": "1"})

    response = owner_client.post(reverse(NEW), data)

    order = Order.objects.get(reference="#W1")
    assert response.status_code == 302
    assert response["Location"] == reverse("orders:detail", args=[order.pk])
    assert sorted((line.variant_id, line.quantity) for line in order.lines.all()) == sorted(
        [(variant.pk, 2), (second_variant.pk, 1)]
    )
    assert order.shipping_method == "USPS+"
    assert order.shipping_cost == Decimal("11.90")  # the fake's USPS+: 8.90 + one per unit
    assert order.shipping_address["country_code"] == "US"
    assert order.source == "manual"


def test_creating_from_htmx_sends_the_browser_to_the_order(owner_client, account, variant):
    response = owner_client.post(reverse(NEW), entry_form(variant), headers=HX)

    assert response["HX-Redirect"] == reverse("orders:detail", args=[Order.objects.get().pk])


def test_a_method_cj_does_not_offer_is_refused_beside_the_shipping_options(owner_client, account, variant):
    data = entry_form(variant, shipping_method="Pony Express")

    html = owner_client.post(reverse(NEW), data, headers=HX).content.decode()

    shipping = unescape(_block(html, 'id="shipping"', "Create order"))
    assert "'Pony Express' is not offered here; choose one of: CJPacket Ordinary, USPS+." in shipping
    assert 'value="Pony Express" checked' in shipping  # the choice is kept, to change it
    assert not Order.objects.exists()


def test_errors_appear_beside_the_fields_in_the_apis_own_words(owner_client, api, account, variant):
    data = entry_form(variant, reference="", customer_email="grace-at-example", city="", quantity="0")

    html = owner_client.post(reverse(NEW), data, headers=HX).content.decode()

    body = create_body(variant, reference="")
    body["customer"]["email"] = "grace-at-example"
    body["shipping_address"]["city"] = ""
    body["items"][0]["quantity"] = 0
    errors = {e["attr"]: e["detail"] for e in api.post("/api/order-fulfillment", body, format="json").json()["errors"]}
    assert errors.keys() == {"reference", "customer.email", "shipping_address.city", "items.0.quantity"}
    assert errors["reference"] in _field(html, "reference")
    assert errors["customer.email"] in _field(html, "customer_email")
    assert errors["shipping_address.city"] in _field(html, "city")
    assert errors["items.0.quantity"] in _block(html, 'id="items-0"')
    assert not Order.objects.exists()


def test_a_shortage_is_shown_on_the_row_that_asked_too_much(owner_client, account, variant, second_variant):
    data = entry_form(variant, variant, second_variant, **{"items-0-quantity": "1", "items-2-quantity": "50"})
    data["items-1-variant"] = ""  # an empty row between: the API's item 1 is the page's row 2

    html = owner_client.post(reverse(NEW), data, headers=HX).content.decode()

    assert "Not enough stock for Desk Lamp" in _block(html, 'id="items-2"')
    assert "Not enough stock" not in _block(html, 'id="items-0"')
    assert not Order.objects.exists()


def test_an_item_that_is_not_in_the_catalog_is_refused_on_its_row(owner_client, other_merchant, account, variant):
    foreign = VariantFactory(product=ProductFactory(merchant=other_merchant), stock_quantity=50)

    html = owner_client.post(reverse(NEW), entry_form(variant, foreign), headers=HX).content.decode()

    assert "not in your catalog any more" in _block(html, 'id="items-1"')
    assert not Order.objects.exists()


def test_the_same_reference_again_shows_the_existing_order(owner_client, account, variant):
    first = owner_client.post(reverse(NEW), entry_form(variant))
    again = owner_client.post(reverse(NEW), entry_form(variant), follow=True)

    assert again.redirect_chain[0][0] == first["Location"]
    assert b"already exists; here it is" in again.content
    assert Order.objects.count() == 1


def test_a_post_without_its_item_rows_creates_nothing_and_says_why(owner_client, account, variant):
    data = {k: v for k, v in entry_form(variant).items() if not k.startswith("items-")}

    response = owner_client.post(reverse(NEW), data)

    assert response.status_code == 200
    assert "The item rows could not be read" in _block(response.content.decode(), "message-error", "</div>")
    assert not Order.objects.exists()
