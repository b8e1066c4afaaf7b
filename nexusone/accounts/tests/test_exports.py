import csv
import io
import json
import zipfile
from datetime import timedelta
from pathlib import Path

import pytest
import time_machine
from django.utils import timezone

from conftest import jwt_client
from nexusone.accounts.exports import RESOURCES, delete_old_exports
from nexusone.accounts.models import DataExport

from .store_data import CUSTOMER, make_order

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def private_storage(settings, tmp_path):
    settings.PRIVATE_STORAGE_ROOT = tmp_path / "private"
    return settings.PRIVATE_STORAGE_ROOT


@pytest.fixture(autouse=True)
def _tasks_run_eagerly():
    from nexusone.celery import app

    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = previous


@pytest.fixture
def finished_export(api, merchant, django_capture_on_commit_callbacks):
    make_order(merchant)
    with django_capture_on_commit_callbacks(execute=True):
        started = api.post("/api/merchant/export", {}, format="json")
    assert started.status_code == 202
    return api.get(f"/api/merchant/export/{started.json()['id']}").json()


def _zip(response) -> zipfile.ZipFile:
    return zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))


def test_an_export_becomes_a_zip_of_json_per_resource_and_csv_for_products_and_orders(api, finished_export, merchant):
    assert finished_export["status"] == "succeeded"
    assert finished_export["progress"] == 100
    response = api.get(finished_export["download_url"])
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    archive = _zip(response)
    names = set(archive.namelist())
    assert {f"{resource}.json" for resource, _ in RESOURCES} <= names
    assert {"products.csv", "orders.csv", "README.txt"} <= names
    orders = json.loads(archive.read("orders.json"))
    assert [(o["reference"], o["customer_email"], o["total_amount"]) for o in orders] == [
        ("#1001", CUSTOMER["email"], "45.00")
    ]
    assert len(json.loads(archive.read("order_lines.json"))) == 1
    assert len(json.loads(archive.read("commission_ledger.json"))) == 1
    assert len(json.loads(archive.read("shipments.json"))) == 1
    rows = list(csv.DictReader(io.StringIO(archive.read("products.csv").decode())))
    assert [row["name"] for row in rows] == ["Desk Lamp"]
    assert finished_export["counts"]["orders"] == 1


def test_an_export_holds_only_the_stores_own_rows(api, merchant, other_merchant, django_capture_on_commit_callbacks):
    make_order(other_merchant, "#9999", email="someone@else.example")
    with django_capture_on_commit_callbacks(execute=True):
        export_id = api.post("/api/merchant/export", {}, format="json").json()["id"]
    body = api.get(f"/api/merchant/export/{export_id}").json()
    archive = _zip(api.get(body["download_url"]))
    assert b"someone@else.example" not in b"".join(archive.read(name) for name in archive.namelist())


def test_another_store_gets_404_for_the_export_and_its_file(finished_export, other_api):
    assert other_api.get(f"/api/merchant/export/{finished_export['id']}").status_code == 404
    assert other_api.get(finished_export["download_url"]).status_code == 404


@pytest.mark.parametrize("who", ["manager", "viewer"])
def test_only_the_owner_starts_and_downloads_exports(request, finished_export, who):
    client = jwt_client(request.getfixturevalue(who))
    assert client.post("/api/merchant/export", {}, format="json").status_code == 403
    assert client.get(finished_export["download_url"]).status_code == 403


def test_the_download_link_expires_after_24_hours_and_old_exports_are_deleted(finished_export, owner, private_storage):
    export = DataExport.objects.get(pk=finished_export["id"])
    file = Path(private_storage) / "exports" / export.file_name
    assert file.exists()
    with time_machine.travel(timezone.now() + timedelta(hours=24, minutes=1)):
        api = jwt_client(owner)  # a token issued a day ago has expired too
        assert api.get(f"/api/merchant/export/{export.pk}").json()["download_url"] is None
        response = api.get(finished_export["download_url"])
        assert response.status_code == 410
        assert response.json()["errors"][0]["code"] == "export_expired"
        assert delete_old_exports() == 1
    assert not file.exists()
    assert not DataExport.objects.filter(pk=export.pk).exists()


def test_a_fresh_export_is_kept_by_the_cleanup(finished_export):
    assert delete_old_exports() == 0
    assert DataExport.objects.filter(pk=finished_export["id"]).exists()


def test_an_export_request_with_fields_is_400_naming_them(api):
    response = api.post("/api/merchant/export", {"format": "xml"}, format="json")
    assert response.status_code == 400
    assert response.json()["errors"][0]["attr"] == "format"
    assert not DataExport.objects.exists()


def test_the_settings_button_starts_an_export_and_the_panel_offers_the_download(
    owner_client, merchant, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        owner_client.post("/accounts/settings/export/")
    page = owner_client.get("/accounts/settings/").content.decode()
    export = DataExport.objects.get(merchant=merchant)
    assert f"/api/merchant/export/{export.pk}/download" in page


def test_the_zip_is_not_under_a_public_url(settings, finished_export):
    export = DataExport.objects.get(pk=finished_export["id"])
    assert not str(settings.PRIVATE_STORAGE_ROOT).startswith(str(settings.STATIC_ROOT))
    assert export.file_name not in finished_export["download_url"]


def test_an_export_whose_file_is_gone_answers_410_not_a_server_error(api, finished_export, private_storage):
    export = DataExport.objects.get(pk=finished_export["id"])
    (Path(private_storage) / "exports" / export.file_name).unlink()

    response = api.get(finished_export["download_url"])

    assert response.status_code == 410
    assert response.json()["errors"][0]["code"] == "export_expired"
