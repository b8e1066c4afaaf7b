import re
from datetime import timedelta

import pytest
import time_machine
from django.core import signing
from django.urls import reverse
from django.utils import timezone

from nexusone.accounts import verification
from nexusone.accounts.actions import create_merchant
from nexusone.accounts.models import User
from nexusone.core.models import AuditEvent
from nexusone.suppliers.actions import connect_account
from nexusone.suppliers.models import SupplierAccount

pytestmark = pytest.mark.django_db

SIGNUP = {"store_name": "Fresh Shop", "email": "new@example.com", "password": "a-good-long-pass-9"}


def _link_in(message) -> str:
    return re.search(r"http://\S+/accounts/verify-email/\S+/", message.body).group(0)


def _path(link: str) -> str:
    return link.split("127.0.0.1:8000", 1)[1]


@pytest.fixture
def signed_up(client, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("accounts:signup"), SIGNUP)
    return User.objects.get(email="new@example.com")


def test_sign_up_emails_a_confirmation_link_and_leaves_the_owner_unverified(signed_up, mailoutbox, client):
    assert signed_up.email_verified_at is None
    assert [m.to for m in mailoutbox] == [["new@example.com"]]
    assert "/accounts/verify-email/" in mailoutbox[0].body
    page = client.get(reverse("core:dashboard"))
    assert page.status_code == 200
    assert "Confirm your email address" in page.content.decode()


def test_an_unverified_owner_cannot_connect_cj_and_is_told_what_to_do(signed_up, client):
    merchant = signed_up.memberships.get().merchant
    with pytest.raises(verification.EmailNotVerified) as error:
        connect_account(merchant, "CJ1234567@api@" + "a" * 32)
    assert "open the link we sent to new@example.com" in error.value.messages[0]
    assert not SupplierAccount.objects.filter(merchant=merchant).exists()
    response = client.post(reverse("suppliers:connect_cj"), {"api_key": "CJ1234567@api@" + "a" * 32}, follow=True)
    assert "Confirm your email address first" in response.content.decode()


def test_opening_the_link_verifies_the_address_and_unlocks_the_store(signed_up, mailoutbox, client):
    response = client.get(_path(_link_in(mailoutbox[0])), follow=True)
    assert "is confirmed" in response.content.decode()
    signed_up.refresh_from_db()
    assert signed_up.email_verified_at is not None
    verification.require_verified_owner(signed_up.memberships.get().merchant)  # no error now
    assert AuditEvent.objects.filter(action="user.email_verified", actor=signed_up).count() == 1


def test_a_reused_link_changes_nothing_more(signed_up, mailoutbox, client):
    path = _path(_link_in(mailoutbox[0]))
    client.get(path)
    first = User.objects.get(pk=signed_up.pk).email_verified_at
    client.get(path)
    assert User.objects.get(pk=signed_up.pk).email_verified_at == first
    assert AuditEvent.objects.filter(action="user.email_verified").count() == 1


def test_an_expired_link_is_refused_and_says_how_to_get_a_new_one(signed_up, mailoutbox, client):
    path = _path(_link_in(mailoutbox[0]))
    with time_machine.travel(timezone.now() + verification.LINK_LIFETIME + timedelta(minutes=1)):
        response = client.get(path, follow=True)
    assert "expired" in response.content.decode()
    assert "Resend the email" in response.content.decode()
    assert User.objects.get(pk=signed_up.pk).email_verified_at is None


def test_an_altered_link_is_refused(signed_up, mailoutbox, client):
    path = _path(_link_in(mailoutbox[0]))
    client.get(path.replace("/verify-email/", "/verify-email/x"))
    assert User.objects.get(pk=signed_up.pk).email_verified_at is None


def test_a_link_for_another_address_of_the_account_is_refused(signed_up):
    token = signing.dumps({"u": signed_up.pk, "e": "old@example.com"}, salt=verification.SALT, compress=True)
    with pytest.raises(verification.VerificationLinkInvalid):
        verification.verify_email(token)
    assert User.objects.get(pk=signed_up.pk).email_verified_at is None


def test_the_owner_can_resend_the_link(signed_up, client, mailoutbox):
    client.post(reverse("accounts:resend_verification"))
    client.post(reverse("accounts:resend_verification"))  # within a minute: not sent twice
    assert len(mailoutbox) == 2


def test_merchants_created_by_command_or_demo_are_verified(db):
    setup = create_merchant(name="Demo", email="demo@example.com", password="pass-12345")
    assert setup.user.email_verified_at is not None
    verification.require_verified_owner(setup.merchant)


def test_an_unverified_owner_cannot_import_and_is_told_what_to_do(signed_up):
    from conftest import jwt_client
    from imports.models import ImportJob

    merchant = signed_up.memberships.get().merchant
    SupplierAccount.objects.create(merchant=merchant, supplier="cj", api_key="CJ1234567@api@" + "a" * 32)
    body = {"source": "ids", "product_ids": ["7874B45D-E971-4DC8-8F59-40530B0F6B77"]}
    response = jwt_client(signed_up).post("/api/products/import", body, format="json")
    assert response.status_code == 400
    assert "Confirm your email address first" in response.json()["errors"][0]["detail"]
    assert not ImportJob.objects.exists()
