import pytest
from django.urls import reverse

from conftest import jwt_client
from extension_auth.actions import create_session
from extension_auth.models import ExtensionSession
from imports.actions import start_import
from imports.choices import ItemStatus
from inventory.models import Product
from nexusone.accounts.choices import Plan
from nexusone.core.models import AuditEvent
from nexusone.suppliers.models import SupplierAccount
from tests.factories import ProductFactory

pytestmark = pytest.mark.django_db

LAMP = "7874B45D-E971-4DC8-8F59-40530B0F6B77"


def _set_plan(merchant, plan):
    merchant.plan = plan
    merchant.save(update_fields=["plan"])


def test_owner_upgrades_free_to_pro_at_once_and_it_is_audited(api, merchant, owner):
    _set_plan(merchant, Plan.FREE)
    response = api.post("/api/merchant/plan", {"plan": "pro"}, format="json", REMOTE_ADDR="203.0.113.9")
    assert response.status_code == 200
    assert (response.json()["plan"], response.json()["product_limit"]) == ("pro", 100)
    merchant.refresh_from_db()
    assert merchant.plan == Plan.PRO
    event = AuditEvent.objects.get(merchant=merchant, action="merchant.plan_changed")
    assert (event.actor, event.ip_address) == (owner, "203.0.113.9")
    assert event.data == {"from": "free", "to": "pro", "source": "manual", "products_over_limit": 0}


def test_downgrade_over_the_limit_keeps_every_product_and_says_how_many_are_over(api, merchant):
    ProductFactory.create_batch(13, merchant=merchant, is_active=True)
    response = api.post("/api/merchant/plan", {"plan": "free"}, format="json")
    assert response.status_code == 200
    assert (response.json()["plan"], response.json()["products_over_limit"]) == ("free", 3)
    assert Product.objects.filter(merchant=merchant, is_active=True).count() == 13


def test_imports_are_refused_with_plan_limit_while_the_catalog_is_over_the_new_limit(api, merchant, fake_supplier):
    SupplierAccount.objects.create(merchant=merchant, supplier="cj", api_key="CJ1234567@api@" + "a" * 32)
    fake_supplier.add_product(LAMP, name="Desk Lamp", cost="4.00", variants=1)
    ProductFactory.create_batch(12, merchant=merchant)
    api.post("/api/merchant/plan", {"plan": "free"}, format="json")
    merchant.refresh_from_db()
    job = start_import(merchant, source="ids", inputs=[LAMP])
    assert job.items.get().status == ItemStatus.PLAN_LIMIT
    assert "Free plan allows 10 products" in job.items.get().error


def test_leaving_premium_revokes_extension_sessions(api, merchant, owner):
    _set_plan(merchant, Plan.PREMIUM)
    session, _ = create_session(owner, merchant)
    response = api.post("/api/merchant/plan", {"plan": "pro"}, format="json")
    assert response.status_code == 200
    session.refresh_from_db()
    assert (session.revoked_at is not None, session.revoked_reason) == (True, "plan_changed")
    assert not ExtensionSession.objects.active().exists()


def test_upgrading_to_premium_opens_the_extension_at_once(api, merchant):
    api.post("/api/merchant/plan", {"plan": "premium"}, format="json")
    response = api.post("/api/chrome-extension/generate-token", {}, format="json")
    assert response.status_code == 201


def test_a_manager_cannot_change_the_plan(manager, merchant):
    response = jwt_client(manager).post("/api/merchant/plan", {"plan": "premium"}, format="json")
    assert response.status_code == 403
    merchant.refresh_from_db()
    assert merchant.plan == Plan.PRO
    assert not AuditEvent.objects.filter(action="merchant.plan_changed").exists()


@pytest.mark.parametrize(
    ("body", "attr"), [({"plan": "gold"}, "plan"), ({}, "plan"), ({"plan": "pro", "coupon": "x"}, "coupon")]
)
def test_a_bad_plan_request_is_400_naming_the_field_and_changes_nothing(api, merchant, body, attr):
    response = api.post("/api/merchant/plan", body, format="json")
    assert response.status_code == 400
    assert response.json()["type"] == "validation_error"
    assert attr in {error["attr"] for error in response.json()["errors"]}
    merchant.refresh_from_db()
    assert merchant.plan == Plan.PRO


def test_the_plan_page_compares_the_three_plans_from_the_capability_table(owner_client, merchant):
    ProductFactory.create_batch(12, merchant=merchant)
    _set_plan(merchant, Plan.FREE)
    page = owner_client.get(reverse("accounts:plan")).content.decode()
    assert "up to 10" in page
    assert "up to 100" in page
    assert "unlimited" in page
    assert "2 products over the Free limit of 10" in page
    assert page.count("Move to ") == 2


def test_the_owner_changes_plan_on_the_page_and_sees_the_overage(owner_client, merchant):
    ProductFactory.create_batch(11, merchant=merchant)
    response = owner_client.post(reverse("accounts:plan"), {"plan": "free"}, follow=True)
    merchant.refresh_from_db()
    assert merchant.plan == Plan.FREE
    assert "now on the Free plan" in response.content.decode()
    assert "1 product over the Free limit" in response.content.decode()


def test_a_viewer_cannot_change_plan_on_the_page(viewer_client, merchant):
    response = viewer_client.post(reverse("accounts:plan"), {"plan": "premium"})
    assert response.status_code == 403
    merchant.refresh_from_db()
    assert merchant.plan == Plan.PRO
