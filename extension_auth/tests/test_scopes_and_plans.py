import pytest

from extension_auth import actions
from extension_auth.choices import MAX_ACTIVE_SESSIONS_PER_USER
from extension_auth.models import ExtensionSession
from imports.models import ImportJob
from nexusone.accounts.actions import change_plan
from nexusone.accounts.choices import Role
from nexusone.accounts.models import Membership
from nexusone.suppliers.models import SupplierAccount

from .conftest import extension_client

pytestmark = pytest.mark.django_db

PID = "7874B45D-E971-4DC8-8F59-40530B0F6B77"
IMPORT = "/api/products/import"


@pytest.fixture
def connected(premium, fake_supplier):
    SupplierAccount.objects.create(merchant=premium, supplier="cj", api_key="k")
    fake_supplier.add_product(PID)
    return premium


def test_an_import_token_can_start_and_follow_imports(ext, connected, session_and_token):
    response = ext.post(IMPORT, {"source": "extension", "urls": [f"https://cjdropshipping.com/product/x-p-{PID}.html"]})
    assert response.status_code == 202
    job = ImportJob.objects.get(pk=response.json()["id"])
    assert job.extension_session == session_and_token[0]
    assert job.created_by == session_and_token[0].user
    assert ext.get(f"{IMPORT}/{job.pk}").status_code == 200
    assert ext.get("/api/products/imports").status_code == 200


def test_a_read_only_token_cannot_import(connected, owner):
    _, token = actions.create_session(owner, connected, permissions=["products:read"])
    response = extension_client(token).post(IMPORT, {"source": "ids", "product_ids": [PID]})
    assert response.status_code == 403
    assert not ImportJob.objects.exists()


def test_a_token_whose_user_became_a_viewer_cannot_import(ext, connected, owner):
    Membership.objects.filter(user=owner).update(role=Role.VIEWER)
    assert ext.post(IMPORT, {"source": "ids", "product_ids": [PID]}).status_code == 403


def test_viewers_may_only_create_read_only_tokens(premium, viewer):
    with pytest.raises(Exception, match="Viewers cannot"):
        actions.create_session(viewer, premium, permissions=["import"])
    session, _ = actions.create_session(viewer, premium)
    assert session.permissions == ["products:read"]


def test_tokens_need_the_premium_plan(api, merchant):
    response = api.post("/api/chrome-extension/generate-token", {}, format="json")
    assert response.status_code == 403
    assert response.json()["errors"][0]["code"] == "plan_required"
    assert not ExtensionSession.objects.exists()


def test_leaving_premium_revokes_every_session_and_their_tokens_fail(ext, premium, owner, manager):
    other, _ = actions.create_session(manager, premium)
    assert ext.get("/api/chrome-extension/me").status_code == 200
    change_plan(premium, "pro", by=owner)
    assert ExtensionSession.objects.active().count() == 0
    assert ExtensionSession.objects.get(pk=other.pk).revoked_reason == "plan_changed"
    assert ext.get("/api/chrome-extension/me").status_code == 401


def test_a_token_of_a_merchant_no_longer_premium_gets_plan_required(ext, premium):
    type(premium).objects.filter(pk=premium.pk).update(plan="pro")  # plan changed without the hooks
    response = ext.get("/api/chrome-extension/me")
    assert response.status_code == 403
    assert response.json()["errors"][0]["code"] == "plan_required"


def test_at_most_ten_active_sessions_per_user(api, premium, owner):
    for _ in range(MAX_ACTIVE_SESSIONS_PER_USER):
        actions.create_session(owner, premium)
    response = api.post("/api/chrome-extension/generate-token", {}, format="json")
    assert response.status_code == 409
    assert response.json()["errors"][0]["code"] == "too_many_sessions"
    actions.revoke_session(ExtensionSession.objects.first(), by=owner)
    assert api.post("/api/chrome-extension/generate-token", {}, format="json").status_code == 201


def test_sessions_list_shows_only_this_store_and_revoke_is_404_for_another_store(
    api, other_api, premium, owner, session_and_token
):
    session = session_and_token[0]
    listed = api.get("/api/chrome-extension/sessions").json()["results"]
    assert [s["id"] for s in listed] == [str(session.pk)]
    assert other_api.get("/api/chrome-extension/sessions").json()["results"] == []
    assert other_api.delete(f"/api/chrome-extension/sessions/{session.pk}").status_code == 404
    assert api.delete(f"/api/chrome-extension/sessions/{session.pk}").status_code == 204
    assert api.get("/api/chrome-extension/sessions").json()["results"][0]["active"] is False


def test_members_see_their_own_sessions_and_owners_see_all(api, premium, owner, manager):
    from rest_framework.test import APIClient
    from rest_framework_simplejwt.tokens import RefreshToken

    mine, _ = actions.create_session(owner, premium)
    theirs, _ = actions.create_session(manager, premium)
    manager_api = APIClient()
    manager_api.credentials(HTTP_AUTHORIZATION=f"Bearer {RefreshToken.for_user(manager).access_token}")
    assert [s["id"] for s in manager_api.get("/api/chrome-extension/sessions").json()["results"]] == [str(theirs.pk)]
    assert manager_api.delete(f"/api/chrome-extension/sessions/{mine.pk}").status_code == 404
    assert len(api.get("/api/chrome-extension/sessions").json()["results"]) == 2


def test_an_extension_token_cannot_reach_another_merchants_imports(ext, connected, other_merchant):
    SupplierAccount.objects.create(merchant=other_merchant, supplier="cj", api_key="k")
    from imports.actions import start_import

    job = start_import(other_merchant, source="ids", inputs=[PID])
    assert ext.get(f"{IMPORT}/{job.pk}").status_code == 404
