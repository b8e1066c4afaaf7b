"""Connect CJ on the settings page: the key is checked by getting a token; status is shown."""

from __future__ import annotations

import io
import socket

import pytest
from django.core.management import call_command

from nexusone.suppliers.models import SupplierAccount

pytestmark = pytest.mark.django_db
CONNECT = "/settings/cj/connect/"


def test_the_right_key_connects_and_the_settings_page_shows_the_status(owner_client, merchant, cj_sandbox):
    response = owner_client.post(CONNECT, {"api_key": "sandbox-key", "sandbox_orders": "on"}, follow=True)
    assert "Connected to CJ Dropshipping." in response.content.decode()
    account = SupplierAccount.objects.get(merchant=merchant)
    assert account.access_token
    assert account.open_id == "284517903"
    assert account.sandbox_orders is True
    page = owner_client.get("/accounts/settings/").content.decode()
    assert "CJ Dropshipping" in page
    assert "Connected" in page
    assert "requests per second" in page
    assert "Calls today" in page
    assert "closed" in page
    assert account.access_token not in page
    assert "sandbox-key" not in page


def test_a_wrong_key_says_cj_refused_it_and_keeps_the_previous_connection(owner_client, merchant, cj_sandbox):
    owner_client.post(CONNECT, {"api_key": "sandbox-key"})
    token = SupplierAccount.objects.get(merchant=merchant).access_token
    response = owner_client.post(CONNECT, {"api_key": "CJ1234567@api@wrong"}, follow=True)
    assert "CJ refused this API key" in response.content.decode()
    account = SupplierAccount.objects.get(merchant=merchant)
    assert account.api_key == "sandbox-key"
    assert account.access_token == token


def test_an_unreachable_cj_gives_a_different_message(owner_client, merchant, settings):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    settings.CJ_API_BASE_URL = f"http://127.0.0.1:{port}/api2.0/v1"
    settings.CJ_MAX_ATTEMPTS = 1
    response = owner_client.post(CONNECT, {"api_key": "CJ1234567@api@abc"}, follow=True)
    content = response.content.decode()
    assert "CJ could not be reached" in content
    assert "refused" not in content


def test_an_empty_key_is_an_error_beside_nothing_changed(owner_client, merchant):
    response = owner_client.post(CONNECT, {"api_key": ""}, follow=True)
    assert "required" in response.content.decode()
    assert not SupplierAccount.objects.filter(merchant=merchant).exists()


def test_viewers_cannot_change_the_connection(viewer_client, merchant):
    assert viewer_client.post(CONNECT, {"api_key": "sandbox-key"}).status_code == 403
    assert not SupplierAccount.objects.filter(merchant=merchant).exists()


def test_managers_cannot_change_the_api_key_or_disconnect(client, manager, merchant):
    SupplierAccount.objects.create(merchant=merchant, supplier="cj", api_key="owners-key")
    client.force_login(manager)
    assert client.post(CONNECT, {"api_key": "managers-key"}).status_code == 403
    assert client.post("/settings/cj/disconnect/").status_code == 403
    assert SupplierAccount.objects.get(merchant=merchant).api_key == "owners-key"


def test_disconnect_forgets_key_and_tokens(owner_client, merchant, cj_sandbox):
    owner_client.post(CONNECT, {"api_key": "sandbox-key"})
    owner_client.post("/settings/cj/disconnect/")
    account = SupplierAccount.objects.get(merchant=merchant)
    assert account.api_key == ""
    assert account.access_token == ""


def test_the_demo_merchant_is_pointed_at_the_sandbox(settings):
    settings.CJ_SANDBOX_ENABLED = True
    call_command("seed_demo", stdout=io.StringIO())
    account = SupplierAccount.objects.get(merchant__name="Demo Store")
    assert account.api_key == settings.CJ_SANDBOX_API_KEY
    assert account.sandbox_orders is True


def test_check_connection_logs_in_with_the_saved_key(owner_client, merchant, cj_sandbox):
    SupplierAccount.objects.create(merchant=merchant, supplier="cj", api_key="sandbox-key")
    response = owner_client.post("/settings/cj/check/", follow=True)
    assert "Connected to CJ Dropshipping." in response.content.decode()
    assert SupplierAccount.objects.get(merchant=merchant).access_token
