"""CJ's token lifecycle: one login reused, refresh before expiry, one renewal at a time."""

from __future__ import annotations

from datetime import timedelta

import pytest
import responses
from django.utils import timezone
from responses import matchers

from nexusone.suppliers.base import SupplierAuthError, SupplierRateLimited
from nexusone.suppliers.cj.client import CJSupplier
from nexusone.suppliers.models import SupplierAccount
from tests.concurrency import run_together

from .cj_payloads import BASE, REFRESHED, TOKEN, fail, ok

LOGIN = f"{BASE}/authentication/getAccessToken"
REFRESH = f"{BASE}/authentication/refreshAccessToken"
SETTINGS = f"{BASE}/setting/get"


@pytest.fixture
def new_account(merchant, cj_settings) -> SupplierAccount:
    return SupplierAccount.objects.create(
        merchant=merchant, supplier="cj", api_key="CJ1234567@api@0123456789abcdef0123456789abcdef", qps=1000
    )


@pytest.mark.django_db
@responses.activate
def test_one_login_serves_many_requests_and_is_stored_encrypted(new_account, make_client):
    login = responses.post(
        LOGIN,
        json=ok(TOKEN),
        match=[matchers.json_params_matcher({"apiKey": "CJ1234567@api@0123456789abcdef0123456789abcdef"})],
    )
    responses.get(SETTINGS, json=ok({}))
    client = make_client(new_account)
    for _ in range(5):
        client.get_settings()
    assert login.call_count == 1
    assert "CJ-Access-Token" not in responses.calls[0].request.headers
    assert all(c.request.headers["CJ-Access-Token"] == TOKEN["accessToken"] for c in responses.calls[1:])
    stored = SupplierAccount.objects.get(pk=new_account.pk)
    assert stored.access_token == TOKEN["accessToken"]
    assert stored.open_id == "284517903"  # a JSON number, kept as its decimal string
    assert stored.access_token_expires_at.year == 2099
    # A second client (another worker) reuses the stored token without logging in.
    make_client(SupplierAccount.objects.get(pk=new_account.pk)).get_settings()
    assert login.call_count == 1


@pytest.mark.django_db
@responses.activate
def test_token_near_expiry_is_refreshed_with_the_refresh_token(connected_account, make_client):
    connected_account.access_token_expires_at = timezone.now() + timedelta(hours=1)
    connected_account.save()
    refresh = responses.post(
        REFRESH, json=ok(REFRESHED), match=[matchers.json_params_matcher({"refreshToken": "live-refresh-token-0001"})]
    )
    login = responses.post(LOGIN, json=ok(TOKEN))
    responses.get(SETTINGS, json=ok({}))
    make_client(connected_account).get_settings()
    assert refresh.call_count == 1
    assert login.call_count == 0
    assert responses.calls[-1].request.headers["CJ-Access-Token"] == REFRESHED["accessToken"]
    stored = SupplierAccount.objects.get(pk=connected_account.pk)
    assert stored.refresh_token == REFRESHED["refreshToken"]
    assert stored.open_id == "284517903"  # refresh answers carry no openId; the old one stays


@pytest.mark.django_db
@responses.activate
def test_an_invalid_refresh_token_falls_back_to_a_new_login(connected_account, make_client):
    connected_account.access_token_expires_at = timezone.now() - timedelta(minutes=1)
    connected_account.save()
    responses.post(REFRESH, json=fail(1600003, "Refresh token is invalid"))
    login = responses.post(LOGIN, json=ok(TOKEN))
    responses.get(SETTINGS, json=ok({}))
    make_client(connected_account).get_settings()
    assert login.call_count == 1


@pytest.mark.django_db
@responses.activate
def test_token_invalid_answer_renews_once_and_retries_once(connected_account, make_client):
    responses.post(REFRESH, json=ok(REFRESHED))
    client = make_client(connected_account)
    responses.get(SETTINGS, json=fail(1600001, "Invalid API key or access token"))
    with pytest.raises(SupplierAuthError):
        client.get_settings()
    # one call with the old token, one with the renewed token, then it gives up
    tokens = [c.request.headers.get("CJ-Access-Token") for c in responses.calls if c.request.url.startswith(SETTINGS)]
    assert tokens == ["live-access-token-0001", REFRESHED["accessToken"]]


@pytest.mark.django_db
@responses.activate
def test_token_invalid_then_success_after_renewal(connected_account, make_client):
    responses.get(SETTINGS, json=fail(1600001, "Invalid API key or access token"))
    responses.get(SETTINGS, json=ok({"qps": 1}))
    refresh = responses.post(REFRESH, json=ok(REFRESHED))
    assert make_client(connected_account).get_settings() == {"qps": 1}
    assert refresh.call_count == 1


@pytest.mark.django_db
@responses.activate
def test_a_wrong_api_key_raises_an_auth_error(new_account, make_client):
    responses.post(LOGIN, json=fail(1600005, "APIkey is wrong"))
    with pytest.raises(SupplierAuthError):
        make_client(new_account).get_settings()
    assert "reconnect" in SupplierAccount.objects.get(pk=new_account.pk).last_error


@pytest.mark.django_db
@responses.activate
def test_a_second_login_within_five_minutes_is_not_sent(new_account, make_client):
    login = responses.post(LOGIN, json=ok(TOKEN))
    make_client(new_account).connect()
    with pytest.raises(SupplierRateLimited):
        make_client(SupplierAccount.objects.get(pk=new_account.pk)).connect()
    assert login.call_count == 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_workers_refresh_an_expiring_token_only_once(merchant, settings):
    settings.CJ_API_BASE_URL = BASE
    account = SupplierAccount.objects.create(
        merchant=merchant,
        supplier="cj",
        api_key="CJ1234567@api@0123456789abcdef0123456789abcdef",
        access_token="old-access",
        refresh_token="old-refresh",
        access_token_expires_at=timezone.now() + timedelta(minutes=5),
        refresh_token_expires_at=timezone.now() + timedelta(days=90),
        connected_at=timezone.now(),
        qps=1000,
    )

    def fresh_client(_index: int) -> CJSupplier:
        return CJSupplier(SupplierAccount.objects.get(pk=account.pk))

    def call_cj(client: CJSupplier) -> str:
        client.get_settings()
        return client.account.access_token

    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        refresh = mock.post(REFRESH, json=ok(REFRESHED))
        mock.post(LOGIN, json=ok(TOKEN))
        mock.get(SETTINGS, json=ok({}))
        seen_tokens, errors = run_together(8, call_cj, prepare=fresh_client)
        assert errors == []
        assert refresh.call_count == 1
        assert set(seen_tokens) == {REFRESHED["accessToken"]}


@pytest.mark.django_db
@responses.activate
def test_refreshes_beyond_five_a_minute_are_not_sent(connected_account, make_client):
    refresh = responses.post(REFRESH, json=ok(REFRESHED))
    client = make_client(connected_account)
    for _ in range(5):
        client.tokens.renew(stale_token=client.account.access_token)
    with pytest.raises(SupplierRateLimited):
        client.tokens.renew(stale_token=client.account.access_token)
    assert refresh.call_count == 5


@pytest.mark.django_db
@responses.activate
def test_an_unsaved_account_logs_in_without_touching_the_database(merchant, cj_settings, make_client):
    responses.post(LOGIN, json=ok(TOKEN))
    responses.get(SETTINGS, json=ok({"x": 1}))
    account = SupplierAccount(merchant=merchant, supplier="cj", api_key="CJ1@api@key", qps=100)
    assert make_client(account).get_settings() == {"x": 1}
    assert account.access_token == TOKEN["accessToken"]
    assert not SupplierAccount.objects.exists()


@pytest.mark.django_db
@responses.activate
def test_merchants_sharing_one_cj_key_share_its_token_instead_of_logging_in_twice(
    new_account, other_merchant, make_client
):
    login = responses.post(LOGIN, json=ok(TOKEN))
    responses.get(SETTINGS, json=ok({}))
    make_client(new_account).get_settings()
    second = SupplierAccount.objects.create(
        merchant=other_merchant, supplier="cj", api_key=new_account.api_key, qps=1000
    )
    make_client(second).get_settings()  # CJ allows one login per 5 minutes per CJ account
    assert login.call_count == 1
    second.refresh_from_db()
    assert second.access_token == TOKEN["accessToken"]
    assert second.open_id == "284517903"


@pytest.mark.django_db
@responses.activate
def test_a_different_cj_key_never_adopts_another_accounts_token(new_account, other_merchant, make_client):
    login = responses.post(LOGIN, json=ok(TOKEN))
    responses.get(SETTINGS, json=ok({}))
    make_client(new_account).get_settings()
    other = SupplierAccount.objects.create(
        merchant=other_merchant, supplier="cj", api_key="CJ7654321@api@ffffffffffffffffffffffffffffffff", qps=1000
    )
    make_client(other).get_settings()
    assert login.call_count == 2
