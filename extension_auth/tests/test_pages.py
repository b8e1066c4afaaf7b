import pytest
from django.urls import reverse

from extension_auth import actions
from extension_auth.models import ExtensionSession

pytestmark = pytest.mark.django_db

HX = {"HX-Request": "true"}


def test_the_page_offers_premium_to_other_plans(owner_client, merchant):
    html = owner_client.get(reverse("extension_auth:index")).content.decode()
    assert "part of the <strong>Premium</strong> plan" in html
    assert "Generate token" not in html


def test_generating_shows_the_token_once_with_a_copy_button(client, owner, premium):
    client.force_login(owner)
    response = client.post(
        reverse("extension_auth:index"),
        {"name": "Laptop", "permissions": ["import", "products:read"], "ttl_hours": "24"},
        headers=HX,
    )
    html = response.content.decode()
    session = ExtensionSession.objects.get()
    assert 'id="extension-token"' in html
    assert 'data-copy="#extension-token"' in html
    assert "shown only once" in html
    assert 'id="sessions" hx-swap-oob="true"' in html
    assert html.count("Laptop") >= 2
    assert session.name == "Laptop"
    page = client.get(reverse("extension_auth:index")).content.decode()
    assert "Laptop" in page
    assert 'id="extension-token"' not in page


def test_generation_errors_are_shown_beside_the_form(client, owner, premium):
    client.force_login(owner)
    html = client.post(reverse("extension_auth:index"), {"name": "x", "ttl_hours": "900"}, headers=HX).content.decode()
    assert "less than or equal to 720" in html
    assert not ExtensionSession.objects.exists()


def test_revoke_and_revoke_all(client, owner, premium):
    client.force_login(owner)
    first, _ = actions.create_session(owner, premium, name="One")
    actions.create_session(owner, premium, name="Two")
    html = client.post(reverse("extension_auth:revoke", args=[first.pk]), headers=HX).content.decode()
    assert 'id="sessions"' in html
    assert ExtensionSession.objects.active().count() == 1
    client.post(reverse("extension_auth:revoke_all"))
    assert ExtensionSession.objects.active().count() == 0


def test_another_stores_session_cannot_be_revoked(client, owner, premium, other_owner, other_merchant):
    other_merchant.plan = "premium"
    other_merchant.save()
    theirs, _ = actions.create_session(other_owner, other_merchant)
    client.force_login(owner)
    assert client.post(reverse("extension_auth:revoke", args=[theirs.pk])).status_code == 404
    assert ExtensionSession.objects.get(pk=theirs.pk).revoked_at is None


def test_revoke_all_ends_only_your_own_sessions_and_is_recorded_in_the_audit_trail(client, owner, manager, premium):
    from nexusone.core.models import AuditEvent

    client.force_login(owner)
    actions.create_session(owner, premium, name="Mine 1")
    actions.create_session(owner, premium, name="Mine 2")
    theirs, _ = actions.create_session(manager, premium, name="The manager's")

    client.post(reverse("extension_auth:revoke_all"))

    assert list(ExtensionSession.objects.active()) == [theirs]
    event = AuditEvent.objects.get(action="extension.sessions_revoked")
    assert (event.actor, event.merchant, event.data["count"]) == (owner, premium, 2)
