"""Renaming the store (Settings page and PATCH /api/merchant) goes through one action that audits it."""

from __future__ import annotations

import pytest
from django.urls import reverse

from conftest import jwt_client
from nexusone.accounts.actions import rename_merchant
from nexusone.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def _renames(merchant) -> list[dict]:
    return [event.data for event in AuditEvent.objects.filter(merchant=merchant, action="merchant.renamed")]


def test_saving_the_store_name_on_settings_renames_it_and_audits_who_did_it(owner_client, owner, merchant):
    response = owner_client.post(reverse("accounts:settings"), {"name": "  Acme Outlet "}, follow=True)
    assert "Store settings saved." in response.content.decode()
    merchant.refresh_from_db()
    assert merchant.name == "Acme Outlet"
    event = AuditEvent.objects.get(merchant=merchant, action="merchant.renamed")
    assert event.data == {"from": "Acme Goods", "to": "Acme Outlet"}
    assert event.actor == owner
    assert event.ip_address == "127.0.0.1"


def test_a_blank_store_name_on_settings_is_refused_beside_the_field_and_changes_nothing(owner_client, merchant):
    response = owner_client.post(reverse("accounts:settings"), {"name": "   "})
    assert response.status_code == 200
    assert response.context["merchant_form"].errors["name"]
    merchant.refresh_from_db()
    assert merchant.name == "Acme Goods"
    assert _renames(merchant) == []


def test_renaming_through_the_api_audits_it(manager, merchant):
    response = jwt_client(manager).patch("/api/merchant", {"name": "Acme Online"})
    assert response.status_code == 200
    assert response.json()["name"] == "Acme Online"
    merchant.refresh_from_db()
    assert merchant.name == "Acme Online"
    assert _renames(merchant) == [{"from": "Acme Goods", "to": "Acme Online"}]


def test_a_blank_name_through_the_api_is_a_400_naming_it_and_changes_nothing(api, merchant):
    response = api.patch("/api/merchant", {"name": ""})
    assert response.status_code == 400
    assert response.json()["errors"][0]["attr"] == "name"
    merchant.refresh_from_db()
    assert merchant.name == "Acme Goods"
    assert _renames(merchant) == []


def test_saving_the_same_name_writes_no_audit_event(merchant, owner):
    rename_merchant(merchant, "Acme Goods", by=owner)
    assert _renames(merchant) == []


def test_a_store_name_over_200_characters_is_refused(merchant, owner):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as caught:
        rename_merchant(merchant, "x" * 201, by=owner)
    assert "name" in caught.value.message_dict
    merchant.refresh_from_db()
    assert merchant.name == "Acme Goods"
