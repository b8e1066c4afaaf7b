"""Bad input answers 4xx in the documented error shape and changes nothing (issue 15, item 4)."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from inventory.models import MAX_TAGS_PER_PRODUCT, Product
from tests.api_walk import api_routes, implements, url_of
from tests.factories import ProductFactory

pytestmark = pytest.mark.django_db

THREE_MEGABYTES = json.dumps({"product_ids": ["9" * 1000] * 3000})
WRITE_ROUTES = [
    (template, method)
    for template, callback in api_routes()
    for method in ("post", "put", "patch")
    if implements(callback, method)
]


def error_codes(response) -> list[str]:
    body = response.json()
    assert body["type"] in {"validation_error", "client_error"}, body
    return [error["code"] for error in body["errors"]]


def error_attrs(response) -> list[str | None]:
    return [error["attr"] for error in response.json()["errors"]]


@pytest.fixture
def quiet_api(api):
    """The API client, answering with the server's response even when it is a 500."""
    api.raise_request_exception = False
    return api


@pytest.mark.parametrize("path", ["/api/inventory/sync", "/api/products/import", "/api/order-fulfillment"])
def test_a_three_megabyte_json_body_is_refused_as_too_large(quiet_api, path):
    response = quiet_api.generic("POST", path, THREE_MEGABYTES, content_type="application/json")

    assert response.status_code == 413, response.content
    assert error_codes(response) == ["payload_too_large"]


@pytest.mark.parametrize(("template", "method"), WRITE_ROUTES)
def test_no_write_route_answers_a_five_megabyte_body_with_a_server_error(quiet_api, template, method):
    body = json.dumps({"name": "x" * 5 * 1024 * 1024})

    response = quiet_api.generic(method.upper(), url_of(template), body, content_type="application/json")

    assert response.status_code < 500, (template, method, response.status_code)


def test_an_oversized_product_patch_changes_nothing(quiet_api, merchant):
    product = ProductFactory(merchant=merchant, name="Desk Lamp")
    body = json.dumps({"name": "Lamp", "tags": ["x" * 90] * 40_000})

    response = quiet_api.generic(
        "PATCH", f"/api/dropshipping/products/{product.pk}", body, content_type="application/json"
    )

    assert response.status_code == 413
    assert Product.objects.get(pk=product.pk).name == "Desk Lamp"


def test_a_form_over_the_field_limit_gets_413_and_a_page_that_says_so(owner_client):
    owner_client.raise_request_exception = False
    fields = {f"field{i}": "1" for i in range(1200)}

    response = owner_client.post(reverse("inventory:settings"), fields)

    assert response.status_code == 413
    assert b"too large" in response.content


def test_an_oversized_form_body_gets_413(owner_client):
    owner_client.raise_request_exception = False
    body = "low_stock_threshold=" + "9" * 3 * 1024 * 1024

    response = owner_client.generic(
        "POST", reverse("inventory:settings"), body, content_type="application/x-www-form-urlencoded"
    )

    assert response.status_code == 413


@pytest.mark.parametrize("content_type", ["application/x-www-form-urlencoded", "multipart/form-data; boundary=x"])
def test_the_api_takes_json_only_and_says_so_for_form_bodies(quiet_api, content_type):
    body = "&".join(f"field{i}=1" for i in range(1200))

    response = quiet_api.generic("POST", "/api/inventory/sync", body, content_type=content_type)

    assert response.status_code == 415
    assert error_codes(response) == ["unsupported_media_type"]


@pytest.mark.parametrize("path", ["/api/no-such-thing", "/api/dropshipping/products/not-a-uuid"])
def test_a_path_no_api_route_matches_answers_404_in_the_error_shape(quiet_api, path):
    response = quiet_api.get(path)

    assert response.status_code == 404
    assert error_codes(response) == ["not_found"]


@pytest.mark.parametrize("decision", ["approve", "reject"])
@pytest.mark.parametrize("bad_id", ["a" * 36, "-" * 36, "0" * 36])
def test_a_36_character_id_that_is_not_a_uuid_is_not_found(quiet_api, decision, bad_id):
    response = quiet_api.post(f"/api/inventory/changes/{bad_id}/{decision}", {}, format="json")

    assert response.status_code == 404


@pytest.mark.parametrize(
    "path", ["/api/dropshipping/orders/" + "a" * 36, "/api/order-tracking/" + "-" * 36, "/api/notifications/x/read"]
)
def test_a_detail_path_whose_id_is_not_a_uuid_is_not_found(quiet_api, path):
    assert quiet_api.get(path).status_code == 404


@pytest.mark.parametrize("path", ["/api/dropshipping/orders", "/api/products/imports", "/api/audit-events"])
@pytest.mark.parametrize("field", ["created_after", "created_before"])
@pytest.mark.parametrize("offset", ["+16:00", "-16:00", "+23:59", "+14:30"])
def test_a_time_zone_offset_no_place_has_is_refused_naming_the_field(quiet_api, path, field, offset):
    response = quiet_api.get(path, {field: f"2026-01-01T00:00:00{offset}"})

    assert response.status_code == 400, response.content
    assert error_attrs(response) == [field]


@pytest.mark.parametrize("path", ["/api/dropshipping/orders", "/api/products/imports"])
def test_a_time_with_the_furthest_real_offset_filters_by_the_same_instant(quiet_api, path):
    response = quiet_api.get(path, {"created_after": "2026-01-01T13:59:00+14:00"})

    assert response.status_code == 200


def test_patching_a_product_with_more_tags_than_imports_allow_is_refused_and_changes_nothing(quiet_api, merchant):
    product = ProductFactory(merchant=merchant)
    tags = [f"tag-{i}" for i in range(10_000)]

    response = quiet_api.patch(f"/api/dropshipping/products/{product.pk}", {"tags": tags}, format="json")

    assert response.status_code == 400
    assert error_attrs(response) == ["tags"]
    assert product.tags.count() == 0


def test_patching_a_product_with_as_many_tags_as_imports_allow_is_accepted(quiet_api, merchant):
    product = ProductFactory(merchant=merchant)
    tags = [f"tag-{i}" for i in range(MAX_TAGS_PER_PRODUCT)]

    response = quiet_api.patch(f"/api/dropshipping/products/{product.pk}", {"tags": tags}, format="json")

    assert response.status_code == 200
    assert sorted(response.json()["tags"]) == sorted(tags)


@pytest.mark.parametrize("value", ["NaN", "Infinity", "-Infinity", "1e400", "-1", "12345678901234"])
def test_a_product_price_that_is_not_a_finite_amount_in_range_is_refused(quiet_api, merchant, value):
    product = ProductFactory(merchant=merchant)

    response = quiet_api.generic(
        "PATCH", f"/api/dropshipping/products/{product.pk}", f'{{"price": "{value}"}}', content_type="application/json"
    )

    assert response.status_code == 400, response.content
    assert error_attrs(response) == ["price"]
    assert Product.objects.get(pk=product.pk).price == product.price


@pytest.mark.parametrize("path", ["/api/inventory/settings", "/api/dropshipping/products/{pk}"])
def test_a_low_stock_threshold_beyond_a_database_integer_is_refused_naming_the_field(quiet_api, merchant, path):
    product = ProductFactory(merchant=merchant)

    response = quiet_api.patch(path.format(pk=product.pk), {"low_stock_threshold": 2**40}, format="json")

    assert response.status_code == 400, response.content
    assert error_attrs(response) == ["low_stock_threshold"]


def test_an_import_of_more_than_500_product_ids_is_refused_naming_the_field(quiet_api, merchant):
    ids = [f"1424608189734{n:06d}" for n in range(501)]

    response = quiet_api.post("/api/products/import", {"source": "ids", "product_ids": ids}, format="json")

    assert response.status_code == 400, response.content
    assert error_attrs(response) == ["product_ids"]


@pytest.mark.parametrize("action", ["add_tags"])
def test_bulk_tagging_with_more_tags_than_a_product_may_carry_adds_none(owner_client, merchant, action):
    product = ProductFactory(merchant=merchant)
    tags = ",".join(f"tag-{i}" for i in range(MAX_TAGS_PER_PRODUCT + 1))

    owner_client.post(reverse("inventory:bulk"), {"action": action, "selected": [str(product.pk)], "value": tags})

    assert product.tags.count() == 0
