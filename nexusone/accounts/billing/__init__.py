"""Billing behind one interface: `BILLING_PROVIDER=manual` (changes apply at once) or `stripe`.

Views and the API ask `get_billing_provider().request_plan_change(...)`; only the provider knows whether
a change applies now (manual, or a move to Free without a subscription) or needs the merchant to pay or
cancel at the provider first (Stripe Checkout, the Customer Portal).
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from .base import BillingProvider, BillingUnavailable, PlanChangeResult
from .manual import ManualBilling

__all__ = ["BillingProvider", "BillingUnavailable", "PlanChangeResult", "get_billing_provider"]


def get_billing_provider() -> BillingProvider:
    name = settings.BILLING_PROVIDER
    if name == "manual":
        return ManualBilling()
    if name == "stripe":
        from .stripe_billing import StripeBilling

        return StripeBilling()
    raise ImproperlyConfigured(f"BILLING_PROVIDER must be 'manual' or 'stripe', not {name!r}.")
