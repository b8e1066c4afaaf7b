"""The current merchant: the one place that knows which tenant a request acts for.

Middleware (HTML) and the DRF mixin (API) set it; row-level security on
PostgreSQL will read it from here to set the session variable.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TYPE_CHECKING

from django.db import models

if TYPE_CHECKING:
    from django.http import HttpRequest

    from nexusone.accounts.models import Membership, Merchant

_current_merchant: ContextVar[Merchant | None] = ContextVar("current_merchant", default=None)

SESSION_KEY = "merchant_id"
HEADER = "HTTP_X_MERCHANT_ID"


def get_current_merchant() -> Merchant | None:
    return _current_merchant.get()


def set_current_merchant(merchant: Merchant | None) -> None:
    _current_merchant.set(merchant)


@contextmanager
def merchant_context(merchant: Merchant | None) -> Iterator[None]:
    token = _current_merchant.set(merchant)
    try:
        yield
    finally:
        _current_merchant.reset(token)


def resolve_membership(request: HttpRequest) -> Membership | None:
    """The membership the request acts through: the chosen one, else the first."""
    from nexusone.accounts.models import Membership

    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return None
    memberships = Membership.objects.filter(user=user).select_related("merchant").order_by("created_at")
    wanted = request.META.get(HEADER) or (request.session.get(SESSION_KEY) if hasattr(request, "session") else None)
    if wanted:
        chosen = memberships.filter(merchant_id=wanted).first()
        if chosen is not None:
            return chosen
    return memberships.first()


class MerchantQuerySet(models.QuerySet):
    def for_merchant(self, merchant: Merchant) -> MerchantQuerySet:
        return self.filter(merchant=merchant)


MerchantManager = models.Manager.from_queryset(MerchantQuerySet)


class MerchantOwned(models.Model):
    """Base for every tenant-owned row: carries the merchant and a scoped manager."""

    merchant = models.ForeignKey("accounts.Merchant", on_delete=models.CASCADE, related_name="+")

    objects = MerchantManager()

    class Meta:
        abstract = True
