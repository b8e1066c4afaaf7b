from urllib.parse import parse_qs

import pytest
import responses
import time_machine
from django.core import mail

from nexusone.accounts.choices import Plan
from nexusone.accounts.models import BillingAccount, BillingEvent
from nexusone.core.models import AuditEvent
from nexusone.notifications.models import Notification

from . import stripe_payloads as stripe_data

pytestmark = pytest.mark.django_db

CHECKOUT_URL = "https://checkout.stripe.com/c/pay/cs_test_a1b2c3"
PORTAL_URL = "https://billing.stripe.com/p/session/test_YWNjdF8xTTJKVGtMa2RJd0h1N2l4"
WEBHOOK = "/api/billing/stripe/webhook"


@pytest.fixture(autouse=True)
def stripe_billing(settings):
    settings.BILLING_PROVIDER = "stripe"
    settings.STRIPE_SECRET_KEY = "sk_test_4eC39HqLyjWDarjtT1zdp7dc"
    settings.STRIPE_WEBHOOK_SECRET = stripe_data.WEBHOOK_SECRET
    settings.STRIPE_PRICES = {"pro": "price_pro", "premium": "price_premium"}


@pytest.fixture
def frozen_clock():
    with time_machine.travel(stripe_data.NOW, tick=False):
        yield


def _form(call) -> dict:
    return {key: values[0] for key, values in parse_qs(call.request.body).items()}


def post_event(client, body: bytes, signature: str | None = None):
    header = stripe_data.sign(body) if signature is None else signature
    return client.post(WEBHOOK, data=body, content_type="application/json", HTTP_STRIPE_SIGNATURE=header)


# --- asking for a change --------------------------------------------------------------------------


@responses.activate
def test_an_upgrade_opens_a_checkout_session_and_changes_nothing_yet(api, merchant, owner):
    merchant.plan = Plan.FREE
    merchant.save()
    responses.post(
        "https://api.stripe.com/v1/checkout/sessions",
        json=stripe_data.checkout_session(str(merchant.pk), payment_status="unpaid", url=CHECKOUT_URL),
    )
    response = api.post("/api/merchant/plan", {"plan": "pro"}, format="json")
    assert response.status_code == 202
    assert response.json() == {"plan": "free", "requested_plan": "pro", "redirect_url": CHECKOUT_URL}
    sent = _form(responses.calls[0])
    assert responses.calls[0].request.headers["Authorization"] == "Bearer sk_test_4eC39HqLyjWDarjtT1zdp7dc"
    assert sent["mode"] == "subscription"
    assert sent["line_items[0][price]"] == "price_pro"
    assert sent["client_reference_id"] == sent["subscription_data[metadata][merchant_id]"] == str(merchant.pk)
    assert sent["metadata[plan]"] == "pro"
    assert sent["customer_email"] == owner.email
    merchant.refresh_from_db()
    assert merchant.plan == Plan.FREE


@responses.activate
def test_leaving_a_paid_plan_goes_through_the_customer_portal_to_cancel(api, merchant):
    BillingAccount.objects.create(
        merchant=merchant, customer_id="cus_NffrFeUfNV2Hib", subscription_id="sub_1", subscription_status="active"
    )
    responses.post("https://api.stripe.com/v1/billing_portal/sessions", json=stripe_data.portal_session(PORTAL_URL))
    response = api.post("/api/merchant/plan", {"plan": "free"}, format="json")
    assert (response.status_code, response.json()["redirect_url"]) == (202, PORTAL_URL)
    sent = _form(responses.calls[0])
    assert sent["customer"] == "cus_NffrFeUfNV2Hib"
    assert sent["flow_data[type]"] == "subscription_cancel"
    assert sent["flow_data[subscription_cancel][subscription]"] == "sub_1"
    merchant.refresh_from_db()
    assert merchant.plan == Plan.PRO


@responses.activate
def test_moving_to_free_without_a_subscription_applies_at_once_without_calling_stripe(api, merchant):
    response = api.post("/api/merchant/plan", {"plan": "free"}, format="json")
    assert (response.status_code, response.json()["plan"]) == (200, "free")
    assert len(responses.calls) == 0


@responses.activate
def test_stripe_failing_is_503_billing_unavailable_and_changes_nothing(api, merchant):
    responses.post(
        "https://api.stripe.com/v1/checkout/sessions",
        status=500,
        json={"error": {"type": "api_error", "message": "An unknown error occurred"}},
    )
    api.raise_request_exception = False  # a 5xx is reported as a request exception, as in production
    response = api.post("/api/merchant/plan", {"plan": "premium"}, format="json")
    assert response.status_code == 503
    assert response.json()["errors"][0]["code"] == "billing_unavailable"
    assert "try again" in response.json()["errors"][0]["detail"]
    merchant.refresh_from_db()
    assert merchant.plan == Plan.PRO


# --- webhooks ------------------------------------------------------------------------------------


def test_the_signature_matches_a_fixed_test_vector():
    body = b'{"id":"evt_1","object":"event"}'
    assert stripe_data.sign(body, timestamp=1700000000, secret="whsec_test_secret") == (
        "t=1700000000,v1=0c8670ed117751cc551a20e35839447075c42800ea3cf3e8a2fbda99cd1e6edd"
    )


def test_a_completed_checkout_upgrades_the_store_once_under_replays(client, merchant, frozen_clock):
    merchant.plan = Plan.FREE
    merchant.save()
    body = stripe_data.event("checkout.session.completed", stripe_data.checkout_session(str(merchant.pk)))
    answers = [post_event(client, body).json()["applied"] for _ in range(3)]
    assert answers == [True, False, False]
    merchant.refresh_from_db()
    assert merchant.plan == Plan.PRO
    billing = BillingAccount.objects.get(merchant=merchant)
    assert (billing.customer_id, billing.subscription_id) == ("cus_NffrFeUfNV2Hib", "sub_1MowQVLkdIwHu7ixeRlqHVzs")
    assert AuditEvent.objects.filter(action="merchant.plan_changed", data__source="stripe").count() == 1
    assert BillingEvent.objects.count() == 1


@pytest.mark.parametrize(
    "signature",
    [
        "t=1700000000,v1=" + "0" * 64,
        stripe_data.sign(b"{}"),  # signed for another body
        stripe_data.sign(b"", secret="whsec_other"),
        "",
    ],
)
def test_a_bad_signature_is_400_and_applies_nothing(client, merchant, frozen_clock, signature):
    body = stripe_data.event(
        "checkout.session.completed", stripe_data.checkout_session(str(merchant.pk), plan="premium")
    )
    if signature.endswith("whsec_other"):
        signature = stripe_data.sign(body, secret="whsec_other")
    response = post_event(client, body, signature=signature or "missing")
    assert response.status_code == 400
    assert response.json()["errors"][0]["attr"] == "Stripe-Signature"
    merchant.refresh_from_db()
    assert merchant.plan == Plan.PRO
    assert not BillingEvent.objects.exists()


def test_a_correctly_signed_but_old_event_is_refused(client, merchant):
    body = stripe_data.event(
        "checkout.session.completed", stripe_data.checkout_session(str(merchant.pk), plan="premium")
    )
    with time_machine.travel(stripe_data.NOW + 3600, tick=False):
        response = post_event(client, body)
    assert response.status_code == 400
    merchant.refresh_from_db()
    assert merchant.plan == Plan.PRO


def test_a_deleted_subscription_moves_the_store_to_free_with_a_notice(client, merchant, owner, frozen_clock):
    BillingAccount.objects.create(
        merchant=merchant,
        customer_id="cus_NffrFeUfNV2Hib",
        subscription_id="sub_1MowQVLkdIwHu7ixeRlqHVzs",
        subscription_status="past_due",
    )
    body = stripe_data.event(
        "customer.subscription.deleted", stripe_data.subscription(str(merchant.pk), status="canceled")
    )
    response = post_event(client, body)
    assert response.status_code == 200
    merchant.refresh_from_db()
    assert merchant.plan == Plan.FREE
    notice = Notification.objects.get(merchant=merchant, event="billing.plan_ended")
    assert "Free plan" in notice.title
    assert "Subscribe again in Settings → Plan" in notice.body


def test_an_unpaid_subscription_after_stripes_retries_moves_the_store_to_free(client, merchant, frozen_clock):
    body = stripe_data.event(
        "customer.subscription.updated", stripe_data.subscription(str(merchant.pk), status="unpaid")
    )
    post_event(client, body)
    merchant.refresh_from_db()
    assert merchant.plan == Plan.FREE
    assert BillingAccount.objects.get(merchant=merchant).subscription_status == "unpaid"


def test_a_failed_payment_warns_the_team_and_keeps_the_plan(
    client, merchant, owner, frozen_clock, django_capture_on_commit_callbacks, eager_celery
):
    BillingAccount.objects.create(merchant=merchant, customer_id="cus_NffrFeUfNV2Hib", subscription_id="sub_1")
    with django_capture_on_commit_callbacks(execute=True):
        post_event(client, stripe_data.event("invoice.payment_failed", stripe_data.invoice()))
    merchant.refresh_from_db()
    assert merchant.plan == Plan.PRO
    notice = Notification.objects.get(merchant=merchant, event="billing.payment_failed")
    assert "Manage billing" in notice.body
    assert "17 Nov 2023" in notice.body
    assert [m.to for m in mail.outbox] == [[owner.email]]


def test_a_subscription_switched_to_premium_in_the_portal_applies_the_price_plan(client, merchant, frozen_clock):
    body = stripe_data.event(
        "customer.subscription.updated", stripe_data.subscription(str(merchant.pk), price="price_premium")
    )
    post_event(client, body)
    merchant.refresh_from_db()
    assert merchant.plan == Plan.PREMIUM


def test_an_event_older_than_one_applied_does_not_undo_it(client, merchant, frozen_clock):
    newer = stripe_data.event(
        "customer.subscription.updated",
        stripe_data.subscription(str(merchant.pk), price="price_premium"),
        event_id="evt_newer",
        created=stripe_data.NOW,
    )
    older = stripe_data.event(
        "customer.subscription.updated",
        stripe_data.subscription(str(merchant.pk), status="unpaid"),
        event_id="evt_older",
        created=stripe_data.NOW - 60,
    )
    post_event(client, newer)
    assert post_event(client, older).json()["applied"] is True
    merchant.refresh_from_db()
    assert merchant.plan == Plan.PREMIUM
    assert BillingEvent.objects.get(event_id="evt_older").outcome.startswith("stale")


def test_the_end_of_an_earlier_subscription_leaves_the_current_one(client, merchant, frozen_clock):
    BillingAccount.objects.create(
        merchant=merchant, customer_id="cus_NffrFeUfNV2Hib", subscription_id="sub_current", subscription_status="active"
    )
    body = stripe_data.event(
        "customer.subscription.deleted", stripe_data.subscription(str(merchant.pk), status="canceled", sub_id="sub_old")
    )
    post_event(client, body)
    merchant.refresh_from_db()
    assert merchant.plan == Plan.PRO


@responses.activate
def test_asking_for_the_current_plan_calls_stripe_for_nothing(api, merchant):
    BillingAccount.objects.create(
        merchant=merchant, customer_id="cus_1", subscription_id="sub_1", subscription_status="active"
    )
    response = api.post("/api/merchant/plan", {"plan": "pro"}, format="json")
    assert (response.status_code, response.json()["plan"]) == (200, "pro")
    assert len(responses.calls) == 0
