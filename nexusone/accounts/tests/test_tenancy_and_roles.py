import pytest
from django.urls import reverse

from nexusone.accounts.models import Membership
from tests.factories import MembershipFactory, MerchantFactory

pytestmark = pytest.mark.django_db


def test_viewer_cannot_write_through_the_api(viewer_api, merchant):
    response = viewer_api.patch("/api/merchant", {"name": "Renamed"})
    assert response.status_code == 403
    assert response.json()["type"] == "client_error"
    merchant.refresh_from_db()
    assert merchant.name == "Acme Goods"


def test_viewer_can_read_through_the_api(viewer_api):
    assert viewer_api.get("/api/merchant").json()["name"] == "Acme Goods"


def test_manager_can_rename_the_store(manager):
    from conftest import jwt_client

    response = jwt_client(manager).patch("/api/merchant", {"name": "Renamed"})
    assert response.status_code == 200
    assert response.json()["name"] == "Renamed"


def test_unknown_and_read_only_fields_are_400_naming_them(api, merchant):
    response = api.patch("/api/merchant", {"name": "Ok", "plan": "premium", "colour": "red"}, format="json")
    assert response.status_code == 400
    attrs = {error["attr"] for error in response.json()["errors"]}
    assert attrs == {"plan", "colour"}
    merchant.refresh_from_db()
    assert (merchant.name, merchant.plan) == ("Acme Goods", "pro")


def test_viewer_sees_no_write_controls_and_cannot_post_settings(viewer_client, merchant):
    page = viewer_client.get(reverse("accounts:settings")).content.decode()
    assert 'name="name"' not in page
    assert viewer_client.post(reverse("accounts:settings"), {"name": "Hacked"}).status_code == 403
    merchant.refresh_from_db()
    assert merchant.name == "Acme Goods"


def test_manager_cannot_manage_members(client, manager, merchant):
    client.force_login(manager)
    response = client.post(reverse("accounts:member_add"), {"email": manager.email, "role": "owner"})
    assert response.status_code == 403
    assert Membership.objects.get(user=manager).role == "manager"


def test_user_with_two_merchants_can_switch(client, owner, merchant):
    second = MerchantFactory(name="Second Shop")
    MembershipFactory(user=owner, merchant=second, role="viewer")
    client.force_login(owner)
    assert client.get(reverse("core:dashboard")).context["merchant"] == merchant
    client.post(reverse("accounts:switch_merchant"), {"merchant_id": str(second.pk)})
    assert client.get(reverse("core:dashboard")).context["merchant"] == second


def test_cannot_switch_to_a_merchant_without_membership(owner_client, other_merchant):
    response = owner_client.post(reverse("accounts:switch_merchant"), {"merchant_id": str(other_merchant.pk)})
    assert response.status_code == 404


def test_last_owner_cannot_be_demoted(owner_client, owner, merchant):
    membership = Membership.objects.get(user=owner)
    owner_client.post(reverse("accounts:member_update", args=[membership.pk]), {"role": "viewer"})
    membership.refresh_from_db()
    assert membership.role == "owner"
