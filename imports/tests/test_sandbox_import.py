"""Imports through the real CJ client against the CJ sandbox over HTTP."""

from decimal import Decimal

import pytest

from imports import actions
from imports.choices import ItemStatus, JobStatus
from inventory.models import Product

pytestmark = pytest.mark.django_db


def first_products(sandbox, count):
    return list(sandbox.state.products.values())[:count]


def test_importing_sandbox_products_by_url_and_id_through_the_cj_client(cj_sandbox, cj_sandbox_account, merchant):
    first, second = first_products(cj_sandbox, 2)
    url = f"{cj_sandbox.url}/product/some-slug-p-{first.pid}.html"
    job = actions.start_import(merchant, source="url", inputs=[url, second.pid, "1999999999999999999"])
    job = actions.run_import_job(job.pk)
    assert job.status == JobStatus.PARTIAL
    assert (job.imported, job.not_found) == (2, 1)
    product = Product.objects.get(merchant=merchant, external_id=first.pid)
    assert product.name == first.name_en
    assert product.variants.count() == len(first.variants)
    cheapest = min(v.sell_price for v in first.variants)
    assert product.cost_price == cheapest
    assert product.price == (cheapest * Decimal("1.4")).quantize(Decimal("0.01"))
    assert product.stock_quantity == sum(v.total(c) for v in first.variants for c in v.stock)
    assert product.category.name == first.category_name
    assert job.items.get(pid=second.pid).status == ItemStatus.IMPORTED


def test_a_sandbox_outage_fails_the_items_it_hits_and_the_rest_import(cj_sandbox, cj_sandbox_account, merchant):
    first, second = first_products(cj_sandbox, 2)
    cj_sandbox.add_fault("product/query", "server_error", count=-1)
    job = actions.run_import_job(actions.start_import(merchant, source="ids", inputs=[first.pid]).pk)
    cj_sandbox.control("faults", method="DELETE")
    assert job.items.get().status == ItemStatus.FAILED
    assert "CJ did not answer" in job.items.get().error
    job = actions.run_import_job(actions.start_import(merchant, source="ids", inputs=[first.pid, second.pid]).pk)
    assert job.imported == 2


def test_catalog_search_goes_through_the_cj_client(owner_client, cj_sandbox, cj_sandbox_account, merchant):
    product = first_products(cj_sandbox, 1)[0]
    html = owner_client.get("/imports/catalog/", {"keyword": product.name_en}).content.decode()
    assert f'value="{product.pid}"' in html
