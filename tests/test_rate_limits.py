"""Rate limits on the API, the pages, logins, CJ's webhook receiver and the event stream (issue 15, item 2).

Each test lowers the scope it exercises with the `settings` fixture, so the suite's own traffic never
meets the production defaults.
"""

from __future__ import annotations

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from conftest import PASSWORD, jwt_client
from extension_auth import actions as extension_actions
from nexusone.accounts.choices import Plan
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def limits(settings):
    """Set some scopes' rates for one test: limits(burst="5 per 5 seconds")."""

    def apply(**rates: str) -> None:
        settings.RATE_LIMITS = {**settings.RATE_LIMITS, **rates}

    return apply


def assert_throttled(response) -> None:
    assert response.status_code == 429, response.content
    assert int(response["Retry-After"]) >= 1
    body = response.json()
    assert body["type"] == "client_error"
    assert body["errors"][0]["code"] == "throttled"


def first_refusal(send, times: int):
    """Send `times` requests; the index and response of the first one that is not let through."""
    for index in range(times):
        response = send()
        if response.status_code == 429:
            return index, response
    return None, None


def test_a_burst_of_api_requests_from_one_user_meets_429_with_retry_after(api, limits):
    limits(burst="30 per 5 seconds")

    index, response = first_refusal(lambda: api.get("/api/dropshipping/products"), 40)

    assert index == 30
    assert_throttled(response)


def test_the_per_minute_limit_holds_a_user_who_stays_under_the_burst_limit(api, limits):
    limits(burst="", sustained="20/minute")

    index, response = first_refusal(lambda: api.get("/api/inventory/alerts"), 25)

    assert index == 20
    assert_throttled(response)


def test_one_user_meeting_the_limit_leaves_another_user_of_the_store_unaffected(api, manager, limits):
    limits(burst="5 per 5 seconds")
    first_refusal(lambda: api.get("/api/dropshipping/products"), 6)

    assert jwt_client(manager).get("/api/dropshipping/products").status_code == 200


def test_an_extension_session_is_limited_apart_from_its_user(api, merchant, owner, limits):
    merchant.plan = Plan.PREMIUM
    merchant.save()
    _, token = extension_actions.create_session(owner, merchant, name="Laptop")
    extension = APIClient()
    extension.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    limits(burst="5 per 5 seconds")

    index, response = first_refusal(lambda: extension.get("/api/dropshipping/products"), 8)

    assert index == 5
    assert_throttled(response)
    assert api.get("/api/dropshipping/products").status_code == 200


def test_anonymous_api_calls_are_limited_per_ip_address(limits):
    limits(anon="3/minute")
    client = APIClient()

    index, response = first_refusal(lambda: client.get("/api/schema", {"format": "json"}), 5)
    elsewhere = APIClient(REMOTE_ADDR="203.0.113.9").get("/api/schema", {"format": "json"})

    assert index == 3
    assert_throttled(response)
    assert elsewhere.status_code == 200


def test_calls_without_credentials_to_protected_endpoints_are_limited_per_ip_address(api, limits):
    limits(anon="3/minute")
    stranger = APIClient()

    index, response = first_refusal(lambda: stranger.get("/api/dropshipping/products"), 5)
    signed_in_from_the_same_address = api.get("/api/dropshipping/products")

    assert index == 3
    assert_throttled(response)
    assert signed_in_from_the_same_address.status_code == 200


def test_pages_meet_429_with_retry_after_and_a_page_that_says_so(owner_client, limits):
    limits(burst="10 per 5 seconds")

    index, response = first_refusal(lambda: owner_client.get(reverse("core:dashboard")), 12)

    assert index == 10
    assert int(response["Retry-After"]) >= 1
    assert b"Too many requests" in response.content


def test_anonymous_pages_are_limited_per_ip_address(client, limits):
    limits(anon="4/minute")

    index, response = first_refusal(lambda: client.get(reverse("accounts:login")), 6)

    assert index == 4
    assert int(response["Retry-After"]) >= 1


def test_health_probes_are_never_limited(client, limits):
    limits(anon="2/minute")

    assert {client.get("/health").status_code for _ in range(5)} == {200}


# --- logins -----------------------------------------------------------------------------------


def token_attempt(email: str, password: str, ip: str = "198.51.100.7"):
    return APIClient(REMOTE_ADDR=ip).post("/api/auth/token", {"email": email, "password": password}, format="json")


def form_attempt(email: str, password: str, ip: str = "198.51.100.7"):
    from django.test import Client

    return Client(REMOTE_ADDR=ip).post(reverse("accounts:login"), {"username": email, "password": password})


@pytest.mark.parametrize("attempt", [token_attempt, form_attempt], ids=["api", "form"])
def test_repeated_wrong_passwords_lock_the_account_even_against_the_right_one(owner, limits, attempt):
    limits(login_account="5 per 10 minutes", login_ip="100 per 10 minutes")

    statuses = [attempt(owner.email, "wrong-password").status_code for _ in range(5)]
    locked = attempt(owner.email, PASSWORD)

    assert 429 not in statuses
    assert locked.status_code == 429
    assert int(locked["Retry-After"]) >= 1
    assert b"Too many failed sign-ins" in locked.content


@pytest.mark.parametrize("attempt", [token_attempt, form_attempt], ids=["api", "form"])
def test_an_attacker_on_one_account_does_not_lock_out_others_behind_the_same_address(owner, manager, limits, attempt):
    limits(login_account="5 per 10 minutes", login_ip="20 per 10 minutes")
    for _ in range(10):
        attempt(owner.email, "wrong-password")

    response = attempt(manager.email, PASSWORD)

    assert response.status_code in (200, 302), response.content


@pytest.mark.parametrize("attempt", [token_attempt, form_attempt], ids=["api", "form"])
def test_wrong_passwords_across_many_accounts_meet_the_looser_limit_per_address(merchant, limits, attempt):
    limits(login_account="5 per 10 minutes", login_ip="8 per 10 minutes")
    emails = [MembershipFactory(merchant=merchant, user=UserFactory()).user.email for _ in range(4)]

    statuses = [attempt(email, "wrong-password").status_code for email in emails for _ in range(2)]
    from_there = attempt(emails[0], "wrong-password")
    from_elsewhere = attempt(emails[1], "wrong-password", ip="192.0.2.44")

    assert 429 not in statuses
    assert from_there.status_code == 429
    assert from_elsewhere.status_code != 429


def test_a_successful_sign_in_clears_the_accounts_failures(owner, limits):
    limits(login_account="3 per 10 minutes", login_ip="100 per 10 minutes")
    for _ in range(2):
        token_attempt(owner.email, "wrong-password")
    assert token_attempt(owner.email, PASSWORD).status_code == 200

    statuses = [token_attempt(owner.email, "wrong-password").status_code for _ in range(3)]

    assert statuses == [401, 401, 401]


# --- CJ's webhook receiver and the event stream -------------------------------------------------


def test_the_cj_webhook_receiver_is_limited_per_source_address(limits):
    limits(webhook="3/minute")
    cj = APIClient(REMOTE_ADDR="47.254.1.1")

    index, response = first_refusal(lambda: cj.post("/api/webhooks/cj", {}, format="json"), 5)
    other_source = APIClient(REMOTE_ADDR="47.254.1.2").post("/api/webhooks/cj", {}, format="json")

    assert index == 3
    assert_throttled(response)
    assert other_source.status_code != 429


def test_stripes_webhook_counts_under_the_webhook_limit_not_the_anonymous_one(limits):
    limits(webhook="100/minute", anon="2/minute")
    stripe = APIClient(REMOTE_ADDR="54.187.174.169")

    statuses = [stripe.post("/api/billing/stripe/webhook", {}, format="json").status_code for _ in range(5)]

    assert 429 not in statuses


def test_the_cj_webhook_receiver_refuses_a_body_over_its_cap(settings):
    settings.WEBHOOK_MAX_BODY_BYTES = 1024

    response = APIClient().generic("POST", "/api/webhooks/cj", "x" * 2048, content_type="application/json")

    assert response.status_code == 413
    assert response.json()["errors"][0]["code"] == "payload_too_large"


def test_the_event_stream_is_limited_per_user(owner_client, manager, limits, client, settings):
    settings.REDIS_URL = ""  # counts are kept in memory; the stream reads the database feed
    limits(event_stream="2/minute")

    responses = [owner_client.get(reverse("event_stream")) for _ in range(3)]
    client.force_login(manager)
    other_user = client.get(reverse("event_stream"))

    for response in responses:
        response.close()  # never read: the streams end here
    assert [r.status_code for r in responses][:2] == [200, 200]
    assert responses[2].status_code == 429
    assert int(responses[2]["Retry-After"]) >= 1
    assert other_user.status_code != 429
