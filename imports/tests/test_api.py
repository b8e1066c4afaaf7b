import pytest

from imports import actions
from imports.choices import ItemStatus, JobStatus
from imports.models import ImportJob
from inventory.models import Product
from tests.factories import ProductFactory

from .conftest import LAMP, STAND

pytestmark = pytest.mark.django_db

URL = "/api/products/import"


def test_post_import_answers_202_with_the_job_and_its_items(api, merchant, cj_account, catalog):
    ProductFactory(merchant=merchant, external_id=STAND)
    body = {
        "source": "url",
        "urls": [f"https://www.cjdropshipping.com/product/desk-lamp-p-{LAMP}.html", "https://example.com/x"],
        "product_ids": [STAND],
        "markup": {"type": "fixed", "value": "2.50"},
        "category": "Lighting",
        "tags": ["summer"],
    }
    response = api.post(URL, body, format="json")
    assert response.status_code == 202
    job = response.json()
    assert job["source"] == "url"
    assert job["status"] == JobStatus.QUEUED
    assert (job["requested"], job["invalid"], job["duplicates"]) == (3, 1, 1)
    assert [item["status"] for item in job["items"]] == ["queued", "invalid", "duplicate"]
    assert job["items"][0]["pid"] == LAMP
    assert job["markup"] == {"type": "fixed", "value": "2.50"}
    assert set(job["items"][0]) == {"input", "pid", "status", "product_id", "error"}


def test_each_element_of_a_product_id_list_is_one_item_kept_whole(api, merchant, cj_account, catalog):
    ProductFactory(merchant=merchant, external_id=STAND)
    unknown = "1999999999999999999"
    body = {"source": "ids", "product_ids": [LAMP, "not a product id!", unknown, STAND]}
    response = api.post(URL, body, format="json")
    assert response.status_code == 202
    job = response.json()
    assert [item["input"] for item in job["items"]] == body["product_ids"]
    assert [item["status"] for item in job["items"]] == ["queued", "invalid", "queued", "duplicate"]
    assert (job["requested"], job["invalid"], job["duplicates"]) == (4, 1, 1)


def test_a_url_list_element_holding_two_links_is_one_invalid_item(api, merchant, cj_account, catalog):
    both = f"https://www.cjdropshipping.com/product/a-p-{LAMP}.html, https://www.cjdropshipping.com/product/b-p-{STAND}.html"
    response = api.post(URL, {"source": "url", "urls": [both]}, format="json")
    assert response.status_code == 202
    items = response.json()["items"]
    assert [(item["input"], item["status"]) for item in items] == [(both, "invalid")]


def test_the_queued_items_finish_in_the_task(api, merchant, cj_account, catalog, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        job_id = api.post(URL, {"source": "ids", "product_ids": [LAMP]}, format="json").json()["id"]
    job = api.get(f"{URL}/{job_id}").json()
    assert job["status"] == JobStatus.SUCCEEDED
    assert job["progress"] == 100
    assert job["items"][0]["status"] == ItemStatus.IMPORTED
    assert job["items"][0]["product_id"] == str(Product.objects.get(external_id=LAMP).pk)


def test_paths_work_with_and_without_a_trailing_slash(api, merchant, cj_account, catalog):
    job = actions.start_import(merchant, source="ids", inputs=[LAMP])
    assert api.get(f"{URL}/{job.pk}/").status_code == 200
    assert api.get("/api/products/imports/").status_code == 200
    assert api.post(URL + "/", {"source": "ids", "product_ids": [STAND]}, format="json").status_code == 202


def test_the_history_lists_jobs_newest_first_with_filters(api, merchant, cj_account, catalog):
    first = actions.start_import(merchant, source="ids", inputs=["bad"])
    second = actions.start_import(merchant, source="url", inputs=[LAMP])
    response = api.get("/api/products/imports")
    assert [job["id"] for job in response.json()["results"]] == [str(second.pk), str(first.pk)]
    filtered = api.get("/api/products/imports", {"status": "failed"}).json()["results"]
    assert [job["id"] for job in filtered] == [str(first.pk)]


@pytest.mark.parametrize(
    ("body", "attr"),
    [
        ({"source": "ids", "product_ids": [LAMP], "colour": "red"}, "colour"),
        ({"source": "files", "product_ids": [LAMP]}, "source"),
        ({"source": "url", "product_ids": [LAMP]}, "urls"),
        ({"source": "ids"}, "product_ids"),
        ({"source": "ids", "product_ids": "abc"}, "product_ids"),
        ({"source": "ids", "product_ids": [LAMP], "markup": {"type": "percent", "value": "-1"}}, "markup.value"),
        ({"source": "ids", "product_ids": [LAMP], "markup": {"type": "bonus", "value": "1"}}, "markup.type"),
        ({"source": "ids", "product_ids": [LAMP], "tags": "a,b"}, "tags"),
    ],
)
def test_bad_bodies_get_400_naming_the_field_and_change_nothing(api, merchant, cj_account, catalog, body, attr):
    response = api.post(URL, body, format="json")
    assert response.status_code == 400
    assert attr in [error["attr"] for error in response.json()["errors"]]
    assert not ImportJob.objects.exists()


def test_importing_without_cj_connected_answers_409_explaining_settings(api, catalog):
    response = api.post(URL, {"source": "ids", "product_ids": [LAMP]}, format="json")
    assert response.status_code == 409
    error = response.json()["errors"][0]
    assert error["code"] == "supplier_not_connected"
    assert "Settings" in error["detail"]


def test_viewers_can_read_imports_but_not_start_them(viewer_api, merchant, cj_account, catalog):
    job = actions.start_import(merchant, source="ids", inputs=[LAMP])
    assert viewer_api.get(f"{URL}/{job.pk}").status_code == 200
    assert viewer_api.post(URL, {"source": "ids", "product_ids": [LAMP]}, format="json").status_code == 403


def test_another_merchants_job_answers_404(other_api, merchant, cj_account, catalog):
    job = actions.start_import(merchant, source="ids", inputs=[LAMP])
    assert other_api.get(f"{URL}/{job.pk}").status_code == 404
    assert other_api.get("/api/products/imports").json()["results"] == []


def test_anonymous_requests_get_401(client, merchant, cj_account):
    assert client.post(URL, {}, content_type="application/json").status_code == 401
    assert client.get("/api/products/imports").status_code == 401
    assert not ImportJob.objects.exists()
