from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import RefreshToken

from extension_auth.actions import create_session
from nexusone.accounts.choices import Plan
from nexusone.accounts.deletion import GRACE_PERIOD, erase_due_stores
from nexusone.accounts.models import Merchant
from nexusone.suppliers.models import SupplierAccount
from orders.models import Order

from .store_data import CUSTOMER, make_order
from .test_erasure import rows_mentioning

pytestmark = pytest.mark.django_db

DELETE = "/accounts/settings/delete-store/"


@pytest.fixture
def store(merchant, owner):
    merchant.plan = Plan.PREMIUM
    merchant.save()
    SupplierAccount.objects.create(merchant=merchant, supplier="cj", api_key="CJ1234567@api@" + "a" * 32)
    make_order(merchant)
    return merchant


def test_a_wrong_confirmation_deletes_nothing(owner_client, store):
    response = owner_client.post(DELETE, {"confirmation": "acme goods"}, follow=True)
    assert "name, Acme Goods, exactly to confirm" in response.content.decode()
    store.refresh_from_db()
    assert store.deletion_scheduled_for is None


def test_deleting_revokes_sessions_and_tokens_and_disconnects_cj_at_once(owner_client, store, owner, manager):
    extension_session, _ = create_session(owner, store)
    refresh = str(RefreshToken.for_user(manager))
    manager_browser = Client()
    manager_browser.force_login(manager)
    owner_client.post(DELETE, {"confirmation": "Acme Goods"})
    store.refresh_from_db()
    assert store.deletion_scheduled_for > timezone.now() + GRACE_PERIOD - timedelta(minutes=1)
    extension_session.refresh_from_db()
    assert extension_session.revoked_reason == "store_deleted"
    assert SupplierAccount.objects.get(merchant=store).api_key == ""
    assert APIClient().post("/api/auth/token/refresh", {"refresh": refresh}, format="json").status_code == 401
    assert manager_browser.get("/accounts/settings/").status_code == 302  # signed out
    assert owner_client.get("/accounts/settings/").status_code == 200  # the owner stays, to cancel


def test_the_store_is_erased_only_after_the_grace_period(owner_client, store, other_merchant):
    make_order(other_merchant, "#7", email="kept@example.org", name="Kept Customer")
    owner_client.post(DELETE, {"confirmation": "Acme Goods"})
    assert erase_due_stores() == 0
    assert Order.objects.filter(merchant=store).exists()
    with time_machine.travel(timezone.now() + GRACE_PERIOD + timedelta(hours=1)):
        assert erase_due_stores() == 1
    assert not Merchant.objects.filter(pk=store.pk).exists()
    assert rows_mentioning(CUSTOMER["email"]) == []
    assert rows_mentioning(str(store.pk)) == [f"core.AuditEvent:{e}" for e in _erased_events(store)]
    assert Order.objects.filter(merchant=other_merchant).count() == 1


def _erased_events(store):
    from nexusone.core.models import AuditEvent

    return list(AuditEvent.objects.filter(action="merchant.erased").values_list("pk", flat=True))


def test_the_owner_can_cancel_during_the_grace_period(owner_client, store):
    owner_client.post(DELETE, {"confirmation": "Acme Goods"})
    owner_client.post(DELETE, {"cancel": "1"})
    store.refresh_from_db()
    assert store.deletion_scheduled_for is None
    with time_machine.travel(timezone.now() + GRACE_PERIOD + timedelta(days=1)):
        assert erase_due_stores() == 0
    assert Order.objects.filter(merchant=store).exists()


def test_only_the_owner_can_delete_the_store(client, manager, store):
    client.force_login(manager)
    assert client.post(DELETE, {"confirmation": "Acme Goods"}).status_code == 403
    store.refresh_from_db()
    assert store.deletion_scheduled_for is None
