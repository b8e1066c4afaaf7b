"""Stripe billing: Checkout Sessions to subscribe, the Customer Portal to switch or cancel.

The plan itself changes when Stripe's webhook says so (`stripe_events.apply_stripe_webhook`), never
because a browser came back from Checkout.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

import stripe
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from ..choices import Plan
from ..models import BillingAccount
from .base import BillingUnavailable, PlanChangeResult

if TYPE_CHECKING:
    from django.http import HttpRequest

    from ..models import Merchant, User

T = TypeVar("T")
LIVE_STATUSES = frozenset({"active", "trialing", "past_due"})


def stripe_client() -> stripe.StripeClient:
    if not settings.STRIPE_SECRET_KEY:
        raise ImproperlyConfigured("BILLING_PROVIDER=stripe needs STRIPE_SECRET_KEY.")
    return stripe.StripeClient(settings.STRIPE_SECRET_KEY)


def price_for_plan(plan: str) -> str:
    price = settings.STRIPE_PRICES.get(plan, "")
    if not price:
        raise ImproperlyConfigured(f"Set STRIPE_PRICE_{plan.upper()} to the Stripe price id of the {plan} plan.")
    return price


def plan_for_price(price_id: str) -> str | None:
    return next((plan for plan, price in settings.STRIPE_PRICES.items() if price and price == price_id), None)


def live_subscription(merchant: Merchant) -> BillingAccount | None:
    billing = BillingAccount.objects.filter(merchant=merchant).first()
    if billing and billing.subscription_id and billing.subscription_status in LIVE_STATUSES:
        return billing
    return None


class StripeBilling:
    name = "stripe"

    def request_plan_change(
        self, merchant: Merchant, plan: str, *, by: User, request: HttpRequest | None, return_url: str
    ) -> PlanChangeResult:
        from ..actions import change_plan

        if plan == merchant.plan:
            return PlanChangeResult(applied=True, plan=plan)
        billing = live_subscription(merchant)
        if billing is not None:
            flow = "subscription_cancel" if plan == Plan.FREE else "subscription_update"
            url = self._portal_url(billing, return_url, flow=flow)
            return PlanChangeResult(applied=False, plan=merchant.plan, redirect_url=url)
        if plan == Plan.FREE:  # nothing to cancel at Stripe
            change_plan(merchant, plan, by=by, request=request, source=self.name)
            return PlanChangeResult(applied=True, plan=merchant.plan)
        return PlanChangeResult(
            applied=False, plan=merchant.plan, redirect_url=self._checkout_url(merchant, plan, by, return_url)
        )

    def manage_billing_url(self, merchant: Merchant, *, return_url: str) -> str | None:
        billing = BillingAccount.objects.filter(merchant=merchant).exclude(customer_id="").first()
        return self._portal_url(billing, return_url) if billing else None

    def _checkout_url(self, merchant: Merchant, plan: str, by: User, return_url: str) -> str:
        reference = {"merchant_id": str(merchant.pk), "plan": plan}
        params: dict[str, Any] = {
            "mode": "subscription",
            "line_items": [{"price": price_for_plan(plan), "quantity": 1}],
            "success_url": f"{return_url}?checkout=success",
            "cancel_url": f"{return_url}?checkout=cancelled",
            "client_reference_id": str(merchant.pk),
            "metadata": reference,
            "subscription_data": {"metadata": reference},
        }
        billing = BillingAccount.objects.filter(merchant=merchant).exclude(customer_id="").first()
        if billing:
            params["customer"] = billing.customer_id
        else:
            params["customer_email"] = by.email
        session = _call(lambda: stripe_client().v1.checkout.sessions.create(params=params))
        return session.url

    def _portal_url(self, billing: BillingAccount, return_url: str, *, flow: str = "") -> str:
        params: dict[str, Any] = {"customer": billing.customer_id, "return_url": return_url}
        if flow and billing.subscription_id:
            params["flow_data"] = {"type": flow, flow: {"subscription": billing.subscription_id}}
        session = _call(lambda: stripe_client().v1.billing_portal.sessions.create(params=params))
        return session.url


def _call(request: Callable[[], T]) -> T:
    """Stripe's errors as a message the merchant can act on (the API answers 503 `billing_unavailable`)."""
    try:
        return request()
    except stripe.StripeError as exc:
        detail = exc.user_message or "Stripe could not be reached"
        raise BillingUnavailable(f"{detail}. Nothing was changed; try again in a minute.") from exc
