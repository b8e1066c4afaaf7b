import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command
from django.db import connection

from nexusone.core import fields
from nexusone.suppliers.models import SupplierAccount

API_KEY = "CJ1234567@api@0123456789abcdef0123456789abcdef"


@pytest.fixture
def account(merchant):
    return SupplierAccount.objects.create(merchant=merchant, api_key=API_KEY, access_token="tok-secret-123")


def _raw_row(pk):
    with connection.cursor() as cursor:
        cursor.execute("SELECT api_key, access_token FROM suppliers_supplieraccount WHERE id = %s", [pk])
        return cursor.fetchone()


def test_encrypted_field_round_trips(account):
    fresh = SupplierAccount.objects.get(pk=account.pk)
    assert fresh.api_key == API_KEY
    assert fresh.access_token == "tok-secret-123"


def test_no_cleartext_secret_is_stored(account):
    raw_key, raw_token = _raw_row(account.pk)
    assert API_KEY not in raw_key
    assert "tok-secret" not in raw_token
    assert raw_key.startswith("gAAAA")  # a Fernet token


def test_rotation_re_encrypts_with_the_new_first_key(account, settings):
    old_raw, _ = _raw_row(account.pk)
    new_key = Fernet.generate_key().decode()
    settings.FIELD_ENCRYPTION_KEYS = [new_key, *settings.FIELD_ENCRYPTION_KEYS]
    call_command("rotate_encryption_keys", stdout=open("/dev/null", "w"))  # noqa: SIM115
    new_raw, _ = _raw_row(account.pk)
    assert new_raw != old_raw
    assert Fernet(new_key.encode()).decrypt(new_raw.encode()).decode() == API_KEY
    settings.FIELD_ENCRYPTION_KEYS = [new_key]  # the old key can now be dropped
    assert SupplierAccount.objects.get(pk=account.pk).api_key == API_KEY


def test_mask_shows_only_the_tail():
    assert fields.mask(API_KEY) == "••••cdef"
    assert fields.mask("short") == "••••"
    assert fields.mask("") == ""


def test_admin_shows_the_api_key_masked_never_in_clear(account, admin_client):
    page = admin_client.get(f"/admin/suppliers/supplieraccount/{account.pk}/change/").content.decode()
    assert "••••cdef" in page
    assert API_KEY not in page
    listing = admin_client.get("/admin/suppliers/supplieraccount/").content.decode()
    assert "••••cdef" in listing
    assert API_KEY not in listing
