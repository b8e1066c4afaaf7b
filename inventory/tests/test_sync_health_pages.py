"""The sync health panel on the dashboard home and the staff view across stores (issue 19, item 6)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from inventory.choices import SyncStatus
from inventory.models import ProductFreshness, SyncRun
from nexusone.suppliers.cj.points import PointsLedger
from nexusone.suppliers.models import WebhookMessage
from tests.factories import MerchantFactory, ProductFactory, SupplierAccountFactory, UserFactory

pytestmark = pytest.mark.django_db

STAFF_VIEW = "/admin/inventory/storesynchealth/"


def fresh_product(merchant, age: timedelta = timedelta(minutes=5)) -> None:
    product = ProductFactory(merchant=merchant)
    ProductFreshness.objects.create(product=product, merchant=merchant, stock_read_at=timezone.now() - age)


def failed_sync(merchant, detail: str) -> None:
    SyncRun.objects.create(
        merchant=merchant, status=SyncStatus.FAILED, finished_at=timezone.now(), errors=[{"detail": detail}]
    )


# --- dashboard home ---------------------------------------------------------------------------------------------


def test_the_dashboard_shows_the_panel_with_the_points_bar(owner_client, merchant):
    account = SupplierAccountFactory(merchant=merchant)
    PointsLedger(account).correct({"usedToday": 12_345, "total": 50_000})
    fresh_product(merchant)

    html = owner_client.get(reverse("core:dashboard")).content.decode()

    assert 'id="sync-health"' in html
    assert '<progress class="points-bar" max="50000" value="12345"' in html
    assert "12,345 of 50,000 used" in html
    assert "1 in the last hour" in html


def test_trouble_reads_in_plain_words_and_a_calm_store_reads_all_well(owner_client, merchant):
    SupplierAccountFactory(merchant=merchant)
    calm = owner_client.get(reverse("core:dashboard")).content.decode()
    failed_sync(merchant, "CJ did not answer in time")

    troubled = owner_client.get(reverse("core:dashboard")).content.decode()

    assert "All is well" in calm
    assert "The last sync failed: CJ did not answer in time" in troubled
    assert "Needs a look" in troubled


def test_the_panel_refreshes_on_its_own(owner_client, merchant):
    response = owner_client.get(reverse("core:dashboard") + "?panel=sync-health", headers={"HX-Request": "true"})
    html = response.content.decode()

    assert html.lstrip().startswith('<section id="sync-health"')
    assert "<nav" not in html
    assert 'id="counts"' not in html


def test_the_dashboard_never_shows_another_stores_figures(owner_client, merchant, other_merchant):
    SupplierAccountFactory(merchant=merchant)
    other_account = SupplierAccountFactory(merchant=other_merchant, api_key="their-own-cj-key")
    PointsLedger(other_account).correct({"usedToday": 43_210, "total": 50_000})
    failed_sync(other_merchant, "their-secret-failure")
    WebhookMessage.objects.create(merchant=other_merchant, message_id="theirs", topic="logistics")
    for _ in range(3):
        fresh_product(other_merchant)

    html = owner_client.get(reverse("core:dashboard")).content.decode()

    assert 'id="sync-health"' in html
    assert "their-secret-failure" not in html
    assert "43,210" not in html
    assert "logistics" not in html
    assert "0 of 0 products subscribed" in html


# --- staff view -------------------------------------------------------------------------------------------------


def test_staff_see_every_store_with_the_troubled_first(admin_client, merchant, other_merchant):
    SupplierAccountFactory(merchant=merchant)
    SupplierAccountFactory(merchant=other_merchant, api_key="their-own-cj-key")
    failed_sync(other_merchant, "CJ refused the key")

    response = admin_client.get(STAFF_VIEW)
    html = response.content.decode()

    assert response.status_code == 200
    assert html.index(str(other_merchant.pk)) < html.index(str(merchant.pk))
    assert "The last sync failed: CJ refused the key" in html
    by_name = admin_client.get(STAFF_VIEW + "?sort=name").content.decode()
    assert by_name.index(str(merchant.pk)) < by_name.index(str(other_merchant.pk))  # Acme before Other


def test_a_merchant_user_is_sent_to_the_admin_login(owner_client):
    response = owner_client.get(STAFF_VIEW)

    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_staff_without_the_view_permission_are_refused(client):
    client.force_login(UserFactory(is_staff=True))

    assert client.get(STAFF_VIEW).status_code == 403


def test_an_unknown_sort_is_refused_naming_the_field(admin_client):
    response = admin_client.get(STAFF_VIEW + "?sort=price")

    assert response.status_code == 400
    assert response.content.decode().startswith("sort:")


def test_the_staff_view_of_twenty_stores_takes_a_bounded_number_of_queries(admin_client, django_assert_max_num_queries):
    for index in range(20):
        store = MerchantFactory(name=f"Store {index:02d}")
        SupplierAccountFactory(merchant=store, api_key=f"key-{index}")
        fresh_product(store)
        failed_sync(store, f"failure {index}")
        WebhookMessage.objects.create(merchant=store, message_id=f"m{index}", topic="stock")

    with django_assert_max_num_queries(12):
        response = admin_client.get(STAFF_VIEW)

    assert response.content.decode().count("The last sync failed: failure") == 20


# --- API --------------------------------------------------------------------------------------------------------


def test_the_api_gives_the_callers_panel(api, merchant, other_merchant):
    account = SupplierAccountFactory(merchant=merchant)
    PointsLedger(account).correct({"usedToday": 1_000, "total": 50_000})
    fresh_product(merchant)
    fresh_product(merchant, age=timedelta(days=2))
    failed_sync(other_merchant, "their-secret-failure")

    body = api.get("/api/inventory/sync-health").json()

    assert body["freshness"] == {"total": 2, "last_hour": 1, "last_day": 0, "older": 1, "never": 0}
    assert (body["points"]["used"], body["points"]["remaining"], body["points"]["budget"]) == (1_000, 49_000, 50_000)
    assert body["last_sync"] is None
    assert body["supplier"]["circuit"] == "closed"
    assert body["plan_message"] == "All 2 products refresh daily within your CJ points."
    assert [problem["text"] for problem in body["problems"]] == [
        "Not read in the last day: 1 of 2 products.",
        "No sync is scheduled: choose a frequency in Inventory settings.",
    ]
    assert "their-secret-failure" not in str(body)


def test_a_viewer_may_read_the_panel_and_a_stranger_may_not(viewer_api, client):
    assert viewer_api.get("/api/inventory/sync-health/").status_code == 200
    assert client.get("/api/inventory/sync-health").status_code == 401
