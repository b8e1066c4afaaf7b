"""The CJ catalog page: categories chosen from CJ's tree, results that say what is already imported."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from imports import catalog
from nexusone.suppliers.base import CategoryNode, SupplierUnavailable
from nexusone.suppliers.models import SupplierAccount
from tests.factories import ProductFactory

from .conftest import LAMP, MAT, STAND

pytestmark = pytest.mark.django_db

HX = {"HX-Request": "true"}
LIGHTS = "5E1B7F2C-0A9D-4C63-B8E4-71F2A6D09C35"
YOGA = "1424608189734850599"
TREE = [
    CategoryNode(
        "F1",
        "Home & Garden",
        (
            CategoryNode("S1", "Lighting", (CategoryNode(LIGHTS, "Desk Lights"),)),
            CategoryNode("S2", "Empty group"),
        ),
    ),
    CategoryNode("F2", "Sports", (CategoryNode("S3", "Fitness", (CategoryNode(YOGA, "Yoga Gear"),)),)),
]


@pytest.fixture
def tree_catalog(fake_supplier):
    fake_supplier.categories = TREE
    fake_supplier.add_product(LAMP, name="Desk Lamp", cost="4.00", stock=30, category_id=LIGHTS)
    fake_supplier.add_product(STAND, name="Lamp Stand", cost="2.50", variants=3, category_id=LIGHTS)
    fake_supplier.add_product(MAT, name="Yoga Mat", cost="10.00", variants=1, category_id=YOGA)
    return fake_supplier


def test_the_category_is_chosen_from_cjs_tree_grouped_by_first_and_second_level(
    owner_client, merchant, cj_account, tree_catalog
):
    html = owner_client.get(reverse("imports:catalog")).content.decode()

    assert "CJ category ID" not in html
    assert '<select name="category_id"' in html
    assert '<optgroup label="Home &amp; Garden › Lighting">' in html
    assert f'<option value="{LIGHTS}">Desk Lights</option>' in html
    assert '<optgroup label="Sports › Fitness">' in html
    assert "Empty group" not in html  # a group without third-level categories offers nothing to choose


def test_choosing_a_category_searches_cj_within_it(owner_client, merchant, cj_account, tree_catalog):
    html = owner_client.get(reverse("imports:catalog"), {"category_id": YOGA}, headers=HX).content.decode()

    assert f'data-pid="{MAT}"' in html
    assert f'data-pid="{LAMP}"' not in html


def test_a_category_cj_does_not_offer_is_refused_beside_the_field(owner_client, merchant, cj_account, tree_catalog):
    html = owner_client.get(reverse("imports:catalog"), {"category_id": "42"}).content.decode()

    assert "Select a valid choice" in html
    assert ("search_products", "") not in tree_catalog.calls


def test_cjs_category_tree_is_read_once_per_account_and_kept(
    owner_client, merchant, other_merchant, cj_account, tree_catalog
):
    owner_client.get(reverse("imports:catalog"))
    owner_client.get(reverse("imports:catalog"), {"category_id": LIGHTS})
    assert tree_catalog.calls.count(("list_categories", None)) == 1

    SupplierAccount.objects.create(merchant=other_merchant, supplier="cj", api_key="CJ7654321@api@" + "b" * 32)
    assert catalog.category_tree(other_merchant) == TREE
    assert tree_catalog.calls.count(("list_categories", None)) == 2


def test_results_show_image_price_stock_and_whether_each_product_is_imported(
    owner_client, merchant, cj_account, tree_catalog
):
    ours = ProductFactory(merchant=merchant, external_id=LAMP, name="Desk Lamp")

    html = owner_client.get(reverse("imports:catalog"), {"keyword": "lamp"}, headers=HX).content.decode()

    lamp_row = html[html.index(f'data-pid="{LAMP}"') : html.index("</tr>", html.index(f'data-pid="{LAMP}"'))]
    stand_row = html[html.index(f'data-pid="{STAND}"') : html.index("</tr>", html.index(f'data-pid="{STAND}"'))]
    assert "Imported" in lamp_row
    assert f"?search={LAMP}" in lamp_row
    assert 'name="pid"' not in lamp_row  # nothing to tick: it is in the catalog already
    assert f'src="https://img.example/{LAMP}.jpg"' in lamp_row
    assert "<td>4.00</td><td>60</td>" in lamp_row  # price; stock over its two variants
    assert "Not yet" in stand_row
    assert f'name="pid" value="{STAND}"' in stand_row
    assert str(ours.pk) not in stand_row


def test_another_merchants_import_does_not_mark_a_result_imported(
    owner_client, merchant, other_merchant, cj_account, tree_catalog
):
    ProductFactory(merchant=other_merchant, external_id=LAMP)

    html = owner_client.get(reverse("imports:catalog"), {"keyword": "desk"}, headers=HX).content.decode()

    assert f'name="pid" value="{LAMP}"' in html
    assert "badge-imported" not in html


def test_marking_imported_products_costs_one_query_however_many_are_imported(merchant, cj_account, tree_catalog):
    def queries_for_search() -> int:
        with CaptureQueriesContext(connection) as queries:
            page = catalog.search_catalog(merchant, "")
        return len(queries), sum(item.imported for item in page.items)

    none_imported = queries_for_search()
    for pid in (LAMP, STAND, MAT):
        ProductFactory(merchant=merchant, external_id=pid)
    all_imported = queries_for_search()

    assert none_imported[1] == 0
    assert all_imported[1] == 3
    assert all_imported[0] == none_imported[0]


def test_keyword_search_still_works_when_cj_cannot_give_its_categories(
    owner_client, merchant, cj_account, tree_catalog
):
    def refuse() -> list:
        raise SupplierUnavailable("CJ answered 503")

    tree_catalog.list_categories = refuse

    html = owner_client.get(reverse("imports:catalog"), {"keyword": "yoga"}).content.decode()

    assert "categories could not be loaded (CJ answered 503)" in html
    assert f'data-pid="{MAT}"' in html


def test_importing_the_ticked_results_starts_one_job(owner_client, merchant, cj_account, tree_catalog):
    response = owner_client.post(reverse("imports:catalog"), {"pid": [STAND, MAT]})

    from imports.models import ImportJob

    job = ImportJob.objects.get()
    assert response["Location"] == reverse("imports:job", args=[job.pk])
    assert sorted(item.input for item in job.items.all()) == sorted([STAND, MAT])


def test_the_catalog_page_against_the_sandbox_filters_by_a_category_from_its_tree(
    owner_client, merchant, cj_sandbox, cj_sandbox_account
):
    tree = catalog.category_tree(merchant)
    leaves = [leaf for first in tree for second in first.children for leaf in second.children]
    dog_toys = next(leaf for leaf in leaves if leaf.name == "Dog Toys")

    html = owner_client.get(reverse("imports:catalog"), {"category_id": dog_toys.category_id}).content.decode()

    assert f'<option value="{dog_toys.category_id}" selected>Dog Toys</option>' in html
    in_category = [p.pid for p in cj_sandbox.state.products.values() if p.category_name == "Dog Toys"]
    assert re.findall(r'data-pid="([^"]+)"', html) == in_category[:20]
