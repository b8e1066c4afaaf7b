import re
from datetime import timedelta

import pytest
import time_machine
from django.core import signing
from django.urls import reverse
from django.utils import timezone

from nexusone.accounts import invitations
from nexusone.accounts.models import Invitation, Membership, User
from nexusone.core.models import AuditEvent
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def invite(owner_client, mailoutbox, django_capture_on_commit_callbacks):
    """The owner invites an address from Settings; returns the link's path from the email."""

    def send(email="newbie@example.com", role="manager"):
        with django_capture_on_commit_callbacks(execute=True):
            owner_client.post(reverse("accounts:member_add"), {"email": email, "role": role})
        link = re.search(r"http://\S+/accounts/invitations/\S+/", mailoutbox[-1].body).group(0)
        return link.split("127.0.0.1:8000", 1)[1]

    return send


def test_the_owner_invites_by_email_and_the_link_creates_the_account(invite, client, merchant, mailoutbox):
    path = invite()
    assert mailoutbox[-1].to == ["newbie@example.com"]
    assert "Acme Goods" in mailoutbox[-1].subject
    client.logout()
    response = client.post(path, {"password": "a-good-long-pass-9"})
    assert response.status_code == 302
    user = User.objects.get(email="newbie@example.com")
    assert user.email_verified_at is not None
    assert Membership.objects.get(user=user, merchant=merchant).role == "manager"
    assert client.get(reverse("core:dashboard")).context["merchant"] == merchant
    assert AuditEvent.objects.filter(merchant=merchant, action="invitation.accepted").count() == 1


def test_a_signed_in_person_with_the_invited_address_joins_with_their_account(invite, client, merchant):
    existing = UserFactory(email="newbie@example.com")
    path = invite(role="viewer")
    client.force_login(existing)
    client.post(path)
    assert Membership.objects.get(user=existing, merchant=merchant).role == "viewer"
    assert User.objects.filter(email="newbie@example.com").count() == 1


def test_someone_signed_in_with_another_address_cannot_accept(invite, client, merchant):
    path = invite()
    intruder = UserFactory(email="intruder@example.com")
    client.force_login(intruder)
    page = client.post(path).content.decode()
    assert "This invitation is for newbie@example.com" in page
    assert not Membership.objects.filter(user=intruder, merchant=merchant).exists()
    assert Invitation.objects.get().accepted_at is None


def test_an_existing_account_must_log_in_rather_than_set_a_password(invite, client, merchant):
    UserFactory(email="newbie@example.com")
    path = invite()
    client.logout()
    page = client.get(path).content.decode()
    assert "Log in to accept" in page
    client.post(path, {"password": "hijack-the-account-9"})
    assert not Membership.objects.filter(user__email="newbie@example.com", merchant=merchant).exists()


def test_a_used_link_cannot_be_used_again(invite, client, merchant):
    path = invite()
    client.logout()
    client.post(path, {"password": "a-good-long-pass-9"})
    client.logout()
    response = client.get(path)
    assert response.status_code == 400
    assert "used already" in response.content.decode()


def test_an_expired_link_is_refused(invite, client, merchant):
    path = invite()
    client.logout()
    with time_machine.travel(timezone.now() + invitations.LINK_LIFETIME + timedelta(minutes=1)):
        response = client.post(path, {"password": "a-good-long-pass-9"})
    assert response.status_code == 400
    assert response.context["error"] == "This invitation has expired. Ask the store's owner to resend it."
    assert not User.objects.filter(email="newbie@example.com").exists()


def test_a_link_naming_another_store_opens_nothing(invite, client, merchant, other_merchant):
    invite()
    invitation = Invitation.objects.get()
    forged = signing.dumps(
        {"i": str(invitation.pk), "m": str(other_merchant.pk), "n": invitation.nonce}, salt=invitations.SALT
    )
    client.logout()
    response = client.post(reverse("accounts:invitation", args=[forged]), {"password": "a-good-long-pass-9"})
    assert response.status_code == 400
    assert not Membership.objects.filter(user__email="newbie@example.com").exists()


def test_resending_sends_a_new_link_and_turns_the_old_one_off(
    invite, owner_client, client, merchant, mailoutbox, django_capture_on_commit_callbacks
):
    old_path = invite()
    invitation = Invitation.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        owner_client.post(reverse("accounts:invitation_update", args=[invitation.pk]))
    new_path = re.search(r"/accounts/invitations/\S+/", mailoutbox[-1].body).group(0)
    assert new_path != old_path
    client.logout()
    assert "A newer invitation was sent" in client.get(old_path).content.decode()
    client.post(new_path, {"password": "a-good-long-pass-9"})
    assert Membership.objects.filter(user__email="newbie@example.com", merchant=merchant).exists()


def test_a_withdrawn_invitation_link_stops_working(invite, owner_client, client, merchant):
    path = invite()
    owner_client.post(reverse("accounts:invitation_update", args=[Invitation.objects.get().pk]), {"revoke": "1"})
    client.logout()
    response = client.post(path, {"password": "a-good-long-pass-9"})
    assert response.status_code == 400
    assert "withdrawn" in response.content.decode()
    assert not User.objects.filter(email="newbie@example.com").exists()


def test_another_stores_owner_cannot_withdraw_an_invitation(invite, client, other_owner):
    invite()
    invitation = Invitation.objects.get()
    client.force_login(other_owner)
    response = client.post(reverse("accounts:invitation_update", args=[invitation.pk]), {"revoke": "1"})
    assert response.status_code == 404
    assert Invitation.objects.get().revoked_at is None


def test_inviting_an_existing_member_explains_to_change_their_role(owner_client, manager, mailoutbox):
    response = owner_client.post(
        reverse("accounts:member_add"), {"email": manager.email, "role": "viewer"}, follow=True
    )
    assert "already a member of this store" in response.content.decode()
    assert not Invitation.objects.exists()
    assert mailoutbox == []


def test_a_weak_password_is_shown_beside_the_field_and_creates_nothing(invite, client):
    path = invite()
    client.logout()
    response = client.post(path, {"password": "12345678"})
    assert response.status_code == 200
    assert response.context["form"].errors["password"]
    assert not User.objects.filter(email="newbie@example.com").exists()
