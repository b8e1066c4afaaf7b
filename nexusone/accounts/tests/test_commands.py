import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from nexusone.accounts.models import Membership, Merchant
from nexusone.suppliers.models import SupplierAccount

pytestmark = pytest.mark.django_db


def _create(**overrides):
    args = {"name": "Shop", "email": "boss@example.com", "password": "pw-123456", "plan": "pro"} | overrides
    out = StringIO()
    call_command("create_merchant", *[f"--{k.replace('_', '-')}={v}" for k, v in args.items()], stdout=out)
    return json.loads(out.getvalue())


def test_create_merchant_prints_ids_and_is_idempotent_on_email():
    first = _create()
    second = _create(email="BOSS@example.com")
    assert first["created"] is True
    assert second["created"] is False
    assert first["merchant_id"] == second["merchant_id"]
    assert Merchant.objects.count() == 1
    assert Membership.objects.get().role == "owner"


def test_create_merchant_with_cj_key_stores_it_encrypted():
    result = _create(cj_api_key="CJ1@api@abc")
    assert SupplierAccount.objects.get(merchant_id=result["merchant_id"]).api_key == "CJ1@api@abc"


@pytest.mark.parametrize(("overrides", "field"), [({"plan": "gold"}, "plan"), ({"email": "not-an-email"}, "email")])
def test_create_merchant_rejects_bad_input_and_changes_nothing(overrides, field):
    with pytest.raises(CommandError, match=field):
        _create(**overrides)
    assert Merchant.objects.count() == 0
