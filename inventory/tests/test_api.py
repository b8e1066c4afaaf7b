from __future__ import annotations

from decimal import Decimal

import pytest

from inventory import actions
from inventory.choices import ChangeStatus, SyncStatus, SyncTrigger
from inventory.models import Category, Product, StockAlert, SyncChange, SyncRun
from tests.factories import CategoryFactory, ProductFactory, TagFactory, VariantFactory

PRODUCTS = "/api/dropshipping/products"


def ids(response) -> set[str]:
    return {row["id"] for row in response.json()["results"]}


@pytest.fixture
def shelf(merchant):
    """Four products: in stock, low, out, and an inactive one in a category with a tag."""
    kitchen = CategoryFactory(merchant=merchant, name="Kitchen")
    sale = TagFactory(merchant=merchant, name="sale")
    plenty = ProductFactory(merchant=merchant, name="Steel Pan", stock_quantity=50, external_id="PID-PAN")
    low = ProductFactory(merchant=merchant, name="Glass Jar", stock_quantity=3, category=kitchen)
    out = ProductFactory(merchant=merchant, name="Oak Board", stock_quantity=0)
    inactive = ProductFactory(merchant=merchant, name="Tea Towel", stock_quantity=9, is_active=False)
    inactive.tags.add(sale)
    VariantFactory(product=plenty, sku="PAN-RED", stock_quantity=50)
    return {"plenty": plenty, "low": low, "out": out, "inactive": inactive}


def test_products_list_shows_active_and_inactive_products_with_the_documented_fields(api, shelf):
    response = api.get(PRODUCTS)

    assert response.status_code == 200
    assert ids(response) == {str(p.pk) for p in shelf.values()}
    row = next(r for r in response.json()["results"] if r["name"] == "Steel Pan")
    for name in (
        "external_id",
        "supplier",
        "cost_price",
        "price",
        "currency",
        "markup",
        "price_locked",
        "stock_quantity",
        "stock_status",
        "is_available",
        "low_stock_threshold",
        "category",
        "tags",
        "variants",
        "last_sync_at",
        "created_at",
        "updated_at",
        "image_url",
        "source_url",
        "sku",
    ):
        assert name in row
    assert row["variants"][0]["sku"] == "PAN-RED"
    assert set(response.json()) == {"next", "previous", "results"}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("stock=in_stock", {"plenty", "inactive"}),
        ("stock=low", {"low"}),
        ("stock=out", {"out"}),
        ("is_active=false", {"inactive"}),
        ("is_active=true", {"plenty", "low", "out"}),
        ("category=Kitchen", {"low"}),
        ("tag=sale", {"inactive"}),
        ("external_id=PID-PAN", {"plenty"}),
        ("search=jar", {"low"}),
        ("search=PAN-RED", {"plenty"}),
    ],
)
def test_every_product_filter_narrows_the_list(api, shelf, query, expected):
    response = api.get(f"{PRODUCTS}?{query}")

    assert response.status_code == 200
    assert ids(response) == {str(shelf[name].pk) for name in expected}


def test_the_stock_filter_respects_a_product_threshold(api, shelf):
    Product.objects.filter(pk=shelf["plenty"].pk).update(low_stock_threshold=60)

    assert str(shelf["plenty"].pk) in ids(api.get(f"{PRODUCTS}?stock=low"))


def test_ordering_and_cursor_pages_walk_the_whole_list_in_order(api, shelf):
    first = api.get(f"{PRODUCTS}?ordering=-stock_quantity&page_size=2").json()
    second = api.get(first["next"]).json()

    names = [r["name"] for r in first["results"] + second["results"]]
    assert names == ["Steel Pan", "Tea Towel", "Glass Jar", "Oak Board"]


def test_an_invalid_filter_value_is_a_400_naming_it(api, shelf):
    response = api.get(f"{PRODUCTS}?stock=plenty")

    assert response.status_code == 400
    assert response.json()["errors"][0]["attr"] == "stock"


def test_product_list_query_count_does_not_grow_with_rows(api, merchant, django_assert_max_num_queries):
    for _ in range(30):
        VariantFactory(product=ProductFactory(merchant=merchant))
    with django_assert_max_num_queries(12):
        response = api.get(PRODUCTS)
    assert len(response.json()["results"]) == 30


def test_patch_changes_price_lock_threshold_category_and_tags(api, shelf):
    product = shelf["plenty"]

    response = api.patch(
        f"{PRODUCTS}/{product.pk}",
        {"price": "12.50", "price_locked": True, "low_stock_threshold": 8, "category": "Kitchen", "tags": ["gift"]},
    )

    assert response.status_code == 200, response.json()
    body = response.json()
    assert (body["price"], body["price_locked"], body["low_stock_threshold"]) == ("12.50", True, 8)
    assert body["tags"] == ["gift"]
    product.refresh_from_db()
    assert product.category.name == "Kitchen"


def test_products_give_the_category_by_name_and_id_and_tags_by_name(api, shelf):
    kitchen = shelf["low"].category

    rows = {row["name"]: row for row in api.get(PRODUCTS).json()["results"]}

    assert (rows["Glass Jar"]["category"], rows["Glass Jar"]["category_id"]) == ("Kitchen", str(kitchen.pk))
    assert (rows["Steel Pan"]["category"], rows["Steel Pan"]["category_id"]) == (None, None)
    assert rows["Tea Towel"]["tags"] == ["sale"]
    detail = api.get(f"{PRODUCTS}/{shelf['low'].pk}").json()
    assert (detail["category"], detail["category_id"]) == ("Kitchen", str(kitchen.pk))


def test_patch_with_a_new_category_name_creates_it_as_imports_do(api, merchant, shelf):
    product = shelf["plenty"]

    response = api.patch(f"{PRODUCTS}/{product.pk}", {"category": " Garden "}, format="json")

    assert response.status_code == 200, response.json()
    category = Category.objects.get(merchant=merchant, name="Garden")
    assert (response.json()["category"], response.json()["category_id"]) == ("Garden", str(category.pk))
    product.refresh_from_db()
    assert product.category == category


def test_patch_still_accepts_an_existing_category_id_and_an_empty_category_clears_it(api, shelf):
    product, kitchen = shelf["plenty"], shelf["low"].category

    by_id = api.patch(f"{PRODUCTS}/{product.pk}", {"category": str(kitchen.pk)}, format="json")
    assert (by_id.status_code, by_id.json()["category"]) == (200, "Kitchen")
    cleared = api.patch(f"{PRODUCTS}/{product.pk}", {"category": None}, format="json")
    assert (cleared.status_code, cleared.json()["category"], cleared.json()["category_id"]) == (200, None, None)


def test_the_category_filter_takes_a_name_in_any_case_or_an_id(api, shelf):
    kitchen = shelf["low"].category

    assert ids(api.get(f"{PRODUCTS}?category=kitchen")) == {str(shelf["low"].pk)}
    assert ids(api.get(f"{PRODUCTS}?category={kitchen.pk}")) == {str(shelf["low"].pk)}
    assert ids(api.get(f"{PRODUCTS}?category=Garden")) == set()


def test_the_openapi_schema_declares_category_category_id_and_tags_on_products(api):
    schema = api.get("/api/schema", headers={"Accept": "application/json"}).json()

    product = schema["components"]["schemas"]["Product"]["properties"]
    assert product["category"]["type"] == "string"
    assert product["category"].get("nullable") is True
    assert (product["category_id"]["format"], product["category_id"]["readOnly"]) == ("uuid", True)
    assert product["tags"] == {"type": "array", "items": {"type": "string", "maxLength": 100}}
    assert not product["category"].get("writeOnly")
    assert not product["tags"].get("writeOnly")


def test_patch_with_a_markup_reprices_an_unlocked_product(api, shelf):
    response = api.patch(f"{PRODUCTS}/{shelf['plenty'].pk}/", {"markup": {"type": "fixed", "value": "3"}})

    assert response.status_code == 200
    assert response.json()["price"] == "7.00"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"price": "-1"}, "price"),
        ({"price": "1.234"}, "price"),
        ({"price": "abc"}, "price"),
        ({"low_stock_threshold": -2}, "low_stock_threshold"),
        ({"category": "x" * 201}, "category"),
        ({"category": 12}, "category"),
        ({"tags": "gift"}, "tags"),
        ({"markup": {"type": "bogus", "value": "1"}}, "markup"),
        ({"markup": {"type": "fixed", "value": "1", "round": True}}, "markup"),
        ({"markup": {"type": "percent", "value": "100001"}}, "markup"),
        ({"stock_quantity": 100}, "stock_quantity"),
        ({"colour": "red"}, "colour"),
        ({"is_active": "maybe"}, "is_active"),
    ],
)
def test_patch_rejects_bad_input_naming_the_field_and_changes_nothing(api, shelf, body, field):
    product = shelf["plenty"]

    response = api.patch(f"{PRODUCTS}/{product.pk}", body)

    assert response.status_code == 400
    assert response.json()["errors"][0]["attr"] == field
    fresh = Product.objects.get(pk=product.pk)
    assert (fresh.price, fresh.stock_quantity, fresh.category_id) == (product.price, 50, None)


def test_delete_removes_the_product(api, shelf):
    response = api.delete(f"{PRODUCTS}/{shelf['out'].pk}")

    assert response.status_code == 204
    assert not Product.objects.filter(pk=shelf["out"].pk).exists()


def test_another_merchants_product_answers_404(other_api, shelf):
    product = shelf["plenty"]

    assert other_api.get(f"{PRODUCTS}/{product.pk}").status_code == 404
    assert other_api.patch(f"{PRODUCTS}/{product.pk}", {"price": "1"}).status_code == 404
    assert other_api.delete(f"{PRODUCTS}/{product.pk}").status_code == 404
    assert other_api.get(PRODUCTS).json()["results"] == []


def test_a_viewer_can_read_but_not_change(viewer_api, shelf):
    assert viewer_api.get(PRODUCTS).status_code == 200
    assert viewer_api.patch(f"{PRODUCTS}/{shelf['plenty'].pk}", {"price": "1"}).status_code == 403
    assert viewer_api.post("/api/inventory/sync", {}).status_code == 403


def test_post_sync_answers_202_with_the_run_and_a_repeat_gives_the_same_run(api, merchant):
    first = api.post("/api/inventory/sync", {}, format="json")
    second = api.post("/api/inventory/sync/", {}, format="json")

    assert first.status_code == 202
    assert first.json()["status"] == SyncStatus.QUEUED
    assert second.json()["id"] == first.json()["id"]
    for name in (
        "id",
        "trigger",
        "status",
        "total",
        "processed",
        "changed",
        "failed",
        "api_calls",
        "started_at",
        "finished_at",
        "errors",
    ):
        assert name in first.json()


def test_post_sync_runs_the_sync_on_a_worker(
    api, merchant, catalog, fake_supplier, eager_tasks, django_capture_on_commit_callbacks
):
    fake_supplier.stock["PID-1-V1"] = 1

    with django_capture_on_commit_callbacks(execute=True):
        response = api.post("/api/inventory/sync", {"product_ids": [str(catalog[0].pk)]}, format="json")

    run = api.get(f"/api/inventory/sync/{response.json()['id']}").json()
    assert (run["status"], run["total"], run["changed"]) == ("succeeded", 1, 1)


def test_post_sync_with_unknown_or_foreign_product_ids_is_a_400(api, other_merchant):
    foreign = ProductFactory(merchant=other_merchant)

    response = api.post("/api/inventory/sync", {"product_ids": [str(foreign.pk)]}, format="json")

    assert response.status_code == 400
    assert response.json()["errors"][0]["attr"] == "product_ids"
    assert not SyncRun.objects.exists()


def test_sync_logs_list_the_merchants_runs_only(api, other_api, merchant):
    run = SyncRun.objects.create(merchant=merchant, trigger=SyncTrigger.MANUAL, status=SyncStatus.SUCCEEDED)

    assert ids(api.get("/api/inventory/sync-logs")) == {str(run.pk)}
    assert other_api.get("/api/inventory/sync-logs").json()["results"] == []
    assert other_api.get(f"/api/inventory/sync/{run.pk}").status_code == 404


def test_alerts_filter_by_state(api, merchant, shelf):
    alert = StockAlert.objects.create(merchant=merchant, product=shelf["low"], kind="low_stock", stock_quantity=3)
    StockAlert.objects.create(merchant=merchant, product=shelf["out"], kind="out_of_stock", state="resolved")

    response = api.get("/api/inventory/alerts?state=open")

    assert [row["id"] for row in response.json()["results"]] == [str(alert.pk)]
    assert response.json()["results"][0]["product_id"] == str(shelf["low"].pk)


def test_settings_read_and_update(api, merchant):
    assert api.get("/api/inventory/settings").json()["low_stock_threshold"] == 5

    response = api.put(
        "/api/inventory/settings",
        {"low_stock_threshold": 9, "sync_frequency": "hourly", "default_markup": {"type": "multiplier", "value": "2"}},
        format="json",
    )

    assert response.status_code == 200, response.json()
    body = response.json()
    assert (body["low_stock_threshold"], body["sync_frequency"]) == (9, "hourly")
    assert body["default_markup"] == {"type": "multiplier", "value": "2.00"}
    assert body["next_sync_schedule"]


def test_settings_refuse_a_frequency_the_plan_lacks_with_plan_required(api, merchant):
    merchant.plan = "free"
    merchant.save()

    response = api.put("/api/inventory/settings", {"sync_frequency": "hourly"}, format="json")

    assert response.status_code == 403
    assert response.json()["errors"][0]["code"] == "plan_required"
    assert "hourly" in response.json()["errors"][0]["detail"]
    assert api.get("/api/inventory/settings").json()["sync_frequency"] != "hourly"


def test_settings_refuse_unknown_fields(api):
    response = api.put("/api/inventory/settings", {"threshold": 3}, format="json")

    assert response.status_code == 400
    assert response.json()["errors"][0]["attr"] == "threshold"


def test_pricing_preview_shows_changes_without_saving_and_apply_saves(api, merchant, shelf):
    Product.objects.filter(pk=shelf["out"].pk).update(price_locked=True)
    Product.objects.filter(pk=shelf["low"].pk).update(markup={"type": "percent", "value": "10"})
    Product.objects.exclude(pk=shelf["low"].pk).update(markup={})
    body = {"markup": {"type": "percent", "value": "50"}, "round_to_99": True}

    preview = api.post("/api/inventory/pricing/preview", body, format="json").json()

    assert preview["count"] == 2
    assert {row["new_price"] for row in preview["results"]} == {"6.99"}
    assert Product.objects.get(pk=shelf["plenty"].pk).price == Decimal("5.60")

    applied = api.post("/api/inventory/pricing/apply", body, format="json").json()

    assert applied == {"repriced": 2}
    assert Product.objects.get(pk=shelf["plenty"].pk).price == Decimal("6.99")
    assert Product.objects.get(pk=shelf["out"].pk).price == Decimal("5.60")
    assert actions.compute_price(merchant, "10") == Decimal("15.99")


def test_held_changes_can_be_approved_once_through_the_api(api, merchant, catalog, fake_supplier):
    fake_supplier.set_cost("PID-1", "8.00")
    actions.start_sync(merchant, SyncTrigger.MANUAL, run_now=True)
    held = SyncChange.objects.get(status=ChangeStatus.HELD)

    listed = api.get("/api/inventory/changes?status=held").json()["results"]
    approved = api.post(f"/api/inventory/changes/{held.pk}/approve")
    again = api.post(f"/api/inventory/changes/{held.pk}/reject")

    assert [row["id"] for row in listed] == [str(held.pk)]
    assert approved.status_code == 200
    assert approved.json()["status"] == "applied"
    assert again.status_code == 409
    assert Product.objects.get(external_id="PID-1").cost_price == Decimal("8.00")


def test_another_merchants_held_change_answers_404(other_api, merchant, catalog, fake_supplier):
    fake_supplier.set_cost("PID-1", "8.00")
    actions.start_sync(merchant, SyncTrigger.MANUAL, run_now=True)
    held = SyncChange.objects.get(status=ChangeStatus.HELD)

    assert other_api.post(f"/api/inventory/changes/{held.pk}/approve").status_code == 404
