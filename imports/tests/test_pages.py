import pytest
from django.urls import reverse

from imports import actions
from imports.choices import ItemStatus
from imports.models import ImportJob
from inventory.models import Product
from nexusone.accounts.choices import Plan
from tests.factories import ProductFactory

from .conftest import LAMP, MAT, STAND

pytestmark = pytest.mark.django_db

HX = {"HX-Request": "true"}


def test_import_page_shows_the_form_the_quota_and_recent_jobs(owner_client, merchant, cj_account, catalog):
    actions.start_import(merchant, source="ids", inputs=["junk"])
    response = owner_client.get(reverse("imports:index"))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'name="inputs"' in html
    assert "of 100" in html
    assert "Recent imports" in html
    assert "Connect your CJ account first" not in html


def test_import_page_explains_how_to_connect_cj_when_it_is_not(owner_client, merchant):
    assert "Connect your CJ account first" in owner_client.get(reverse("imports:index")).content.decode()


def test_submitting_without_a_cj_connection_explains_it_on_the_form_and_starts_nothing(owner_client, merchant):
    response = owner_client.post(reverse("imports:index"), {"inputs": LAMP}, headers=HX)

    assert response.status_code == 200
    assert "paste the API key from My CJ → API" in response.content.decode()
    assert not ImportJob.objects.exists()


def test_preview_marks_invalid_duplicate_and_over_limit_lines(owner_client, merchant, cj_account, catalog):
    merchant.plan = Plan.FREE
    merchant.save()
    ProductFactory(merchant=merchant, external_id=LAMP)
    ProductFactory.create_batch(8, merchant=merchant)
    response = owner_client.post(
        reverse("imports:index"), {"inputs": f"{LAMP}\n{STAND}\n{MAT}\nnope", "action": "preview"}, headers=HX
    )
    html = response.content.decode()
    assert 'id="preview"' in html
    assert "<nav" not in html
    assert "1</strong> to import" in html
    assert "1 already in your catalog · 1 invalid · 1 over the plan limit" in html
    assert "quota left: 1" in html
    assert "HX-Request" in response["Vary"]
    assert not ImportJob.objects.exists()


def test_submitting_starts_the_job_and_goes_to_its_page(owner_client, merchant, cj_account, catalog):
    response = owner_client.post(
        reverse("imports:index"),
        {
            "inputs": f"https://www.cjdropshipping.com/product/lamp-p-{LAMP}.html",
            "markup_type": "fixed",
            "markup_value": "1",
            "category": "Lights",
            "tags": "a, b",
            "action": "import",
        },
    )
    job = ImportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("imports:job", args=[job.pk])
    assert job.source == "url"
    assert job.markup == {"type": "fixed", "value": "1"}
    assert (job.category_name, job.tag_names) == ("Lights", ["a", "b"])


def test_htmx_submission_redirects_the_browser_to_the_job(owner_client, merchant, cj_account, catalog):
    response = owner_client.post(reverse("imports:index"), {"inputs": STAND, "action": "import"}, headers=HX)
    assert response["HX-Redirect"] == reverse("imports:job", args=[ImportJob.objects.get().pk])


def test_form_errors_appear_beside_the_field(owner_client, merchant, cj_account, catalog):
    response = owner_client.post(
        reverse("imports:index"), {"inputs": LAMP, "markup_type": "percent", "action": "import"}, headers=HX
    )
    assert "Give the markup value." in response.content.decode()
    assert not ImportJob.objects.exists()


def test_viewers_cannot_import_from_the_page(viewer_client, merchant, cj_account, catalog):
    response = viewer_client.post(reverse("imports:index"), {"inputs": LAMP, "action": "import"})
    assert response.status_code == 403
    assert not ImportJob.objects.exists()


def test_the_job_page_polls_while_running_and_stops_when_finished(owner_client, merchant, cj_account, catalog):
    job = actions.start_import(merchant, source="ids", inputs=[LAMP, "junk"])
    partial = owner_client.get(reverse("imports:job", args=[job.pk]), headers=HX).content.decode()
    assert 'hx-trigger="every 2s, nx:import.progress from:body"' in partial
    assert "<nav" not in partial
    assert 'value="50"' in partial
    actions.run_import_job(job.pk)
    partial = owner_client.get(reverse("imports:job", args=[job.pk]), headers=HX).content.decode()
    assert "hx-trigger" not in partial
    assert 'value="100"' in partial
    assert "Desk Lamp" in partial
    assert 'data-status="partial"' in partial


def test_another_merchants_job_page_is_404(client, other_owner, merchant, cj_account, catalog):
    job = actions.start_import(merchant, source="ids", inputs=[LAMP])
    client.force_login(other_owner)
    assert client.get(reverse("imports:job", args=[job.pk])).status_code == 404


def test_history_lists_and_filters_jobs(owner_client, merchant, cj_account, catalog):
    failed = actions.start_import(merchant, source="ids", inputs=["junk"])
    queued = actions.start_import(merchant, source="ids", inputs=[LAMP])
    html = owner_client.get(reverse("imports:history")).content.decode()
    assert str(failed.pk) in html
    assert str(queued.pk) in html
    partial = owner_client.get(reverse("imports:history"), {"status": "failed"}, headers=HX).content.decode()
    assert str(failed.pk) in partial
    assert str(queued.pk) not in partial


def test_catalog_search_lists_supplier_products_with_checkboxes(owner_client, merchant, cj_account, catalog):
    response = owner_client.get(reverse("imports:catalog"), {"keyword": "lamp"}, headers=HX)
    html = response.content.decode()
    assert f'value="{LAMP}"' in html
    assert "Yoga Mat" not in html
    assert ("search_products", "lamp") in catalog.calls


def test_catalog_pages_through_cj_results(owner_client, merchant, cj_account, fake_supplier):
    for n in range(45):
        fake_supplier.add_product(f"14246081897348{n:05d}", name=f"Sock {n}")
    html = owner_client.get(reverse("imports:catalog"), {"keyword": "sock", "page": 2}).content.decode()
    assert "page 2 of 3" in html
    assert "page=3" in html
    assert "page=1" in html


def test_importing_checked_catalog_products_starts_one_job(owner_client, merchant, cj_account, catalog):
    response = owner_client.post(reverse("imports:catalog"), {"pid": [LAMP, MAT], "markup_type": ""})
    job = ImportJob.objects.get()
    assert response["Location"] == reverse("imports:job", args=[job.pk])
    assert job.source == "ids"
    assert list(job.items.values_list("pid", flat=True)) == [LAMP, MAT]
    assert set(job.items.values_list("status", flat=True)) == {ItemStatus.QUEUED}


def test_catalog_explains_how_to_connect_cj(owner_client, merchant):
    html = owner_client.get(reverse("imports:catalog"), {"keyword": "x"}).content.decode()
    assert "Settings → CJ connection" in html


def test_a_finished_import_puts_the_product_in_the_catalog(owner_client, merchant, cj_account, catalog):
    job = actions.start_import(merchant, source="ids", inputs=[STAND])
    actions.run_import_job(job.pk)
    assert Product.objects.for_merchant(merchant).filter(external_id=STAND).exists()


def test_history_search_finds_jobs_by_product_id(owner_client, merchant, cj_account, catalog):
    lamp_job = actions.start_import(merchant, source="ids", inputs=[LAMP])
    mat_job = actions.start_import(merchant, source="ids", inputs=[MAT])
    partial = owner_client.get(reverse("imports:history"), {"search": LAMP[:8].lower()}, headers=HX).content.decode()
    assert str(lamp_job.pk) in partial
    assert str(mat_job.pk) not in partial
