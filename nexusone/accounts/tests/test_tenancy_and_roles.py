import pytest
from django.urls import reverse

from nexusone.accounts.models import Membership
from nexusone.notifications.actions import notify
from nexusone.notifications.models import Notification
from tests.factories import MembershipFactory, MerchantFactory

pytestmark = pytest.mark.django_db


def test_api_lists_only_the_merchants_own_notifications(api, merchant, other_merchant):
    notify(merchant, "test", title="mine")
    notify(other_merchant, "test", title="theirs")
    titles = [n["title"] for n in api.get("/api/notifications").json()["results"]]
    assert titles == ["mine"]


def test_another_merchants_object_is_404_through_the_api(api, other_merchant):
    theirs = notify(other_merchant, "test", title="theirs")
    response = api.post(f"/api/notifications/{theirs.pk}/read")
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_another_merchants_object_is_404_through_the_html(owner_client, other_merchant):
    theirs = notify(other_merchant, "test", title="theirs")
    response = owner_client.post(reverse("core:notification_read", args=[theirs.pk]))
    assert response.status_code == 404
    assert Notification.objects.get(pk=theirs.pk).read_at is None


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


def test_a_user_without_a_merchant_gets_403_not_a_crash_marking_a_notification(merchant):
    from conftest import jwt_client
    from tests.factories import UserFactory

    note = notify(merchant, "test", title="mine")
    response = jwt_client(UserFactory()).post(f"/api/notifications/{note.pk}/read")
    assert response.status_code == 403


def test_a_viewer_may_mark_a_notification_read(viewer_api, merchant):
    note = notify(merchant, "test", title="mine")
    assert viewer_api.post(f"/api/notifications/{note.pk}/read").json()["read"] is True
