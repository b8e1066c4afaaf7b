"""GET /api/dropshipping/products/lookup: one request tells the extension which of a page's PIDs are imported."""

import pytest

from extension_auth import actions
from inventory.lookup import MAX_LOOKUP_IDS
from tests.factories import ProductFactory

from .conftest import extension_client

pytestmark = pytest.mark.django_db

LOOKUP = "/api/dropshipping/products/lookup"
UUID_PID = "7874B45D-E971-4DC8-8F59-40530B0F6B77"
NOT_IMPORTED = "1500000000000000001"


def test_lookup_answers_which_pids_are_imported_with_a_dashboard_link(ext, premium, other_merchant):
    mine = ProductFactory(merchant=premium, external_id=UUID_PID, name="Desk lamp")
    ProductFactory(merchant=other_merchant, external_id=NOT_IMPORTED)
    response = ext.get(LOOKUP, {"external_id": f"{UUID_PID.lower()},{NOT_IMPORTED}"})
    assert response.status_code == 200, response.content
    assert response.json()["results"] == [
        {
            "external_id": UUID_PID,
            "id": str(mine.pk),
            "name": "Desk lamp",
            "is_active": True,
            "dashboard_url": f"http://testserver/inventory/?external_id={UUID_PID}",
        }
    ]


def test_lookup_costs_one_product_query_whatever_the_number_of_pids(ext, premium, django_assert_max_num_queries):
    pids = [ProductFactory(merchant=premium).external_id for _ in range(20)]
    ext.get(LOOKUP, {"external_id": pids[0]})  # session last use is recorded on the first call only
    with django_assert_max_num_queries(3):  # the session, the membership role, the products
        response = ext.get(LOOKUP, {"external_id": ",".join(pids)})
    assert len(response.json()["results"]) == 20


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ({}, "external_id", "required"),
        ({"external_id": " , "}, "external_id", "at least one"),
        ({"external_id": "not-a-pid"}, "external_id", "Not a CJ product id: NOT-A-PID"),
        (
            {"external_id": ",".join(str(1500000000000000000 + n) for n in range(MAX_LOOKUP_IDS + 1))},
            "external_id",
            "at most",
        ),
        ({"external_id": UUID_PID, "page": "2"}, "page", "Unknown field"),
    ],
)
def test_lookup_with_bad_ids_is_a_400_naming_the_field(ext, premium, query, field, message):
    response = ext.get(LOOKUP, query)
    assert response.status_code == 400
    error = response.json()["errors"][0]
    assert error["attr"] == field
    assert message in error["detail"]


def test_lookup_needs_the_products_read_permission(premium, owner):
    _, token = actions.create_session(owner, premium, permissions=["import"])
    response = extension_client(token).get(LOOKUP, {"external_id": UUID_PID})
    assert response.status_code == 403
    assert "Read products" in response.json()["errors"][0]["detail"]


def test_lookup_is_in_the_openapi_schema(api):
    schema = api.get("/api/schema", HTTP_ACCEPT="application/json").json()
    parameters = schema["paths"]["/api/dropshipping/products/lookup/"]["get"]["parameters"]
    assert [p["name"] for p in parameters] == ["external_id"]
