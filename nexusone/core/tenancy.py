"""The current merchant: the one place that knows which tenant a request acts for.

Middleware (HTML) and the DRF mixin (API) set it; row-level security on
PostgreSQL will read it from here to set the session variable.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TYPE_CHECKING

from django.db import models

if TYPE_CHECKING:
    from django.http import HttpRequest

    from nexusone.accounts.models import Membership, Merchant, User

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


_MEMBERSHIPS = "_request_memberships"


def attach_memberships(user: User, memberships: list[Membership]) -> User:
    """Hand the user's memberships (oldest first) to `resolve_membership`, e.g. when authentication read them.

    Only for a user object built for this request: the list is not refreshed afterwards."""
    for membership in memberships:
        membership.user = user
    setattr(user, _MEMBERSHIPS, memberships)
    return user


def _as_uuid(value: object) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value)) if value else None
    except ValueError:
        return None


def resolve_membership(request: HttpRequest) -> Membership | None:
    """The membership the request acts through: the chosen one, else the first."""
    from nexusone.accounts.models import Membership

    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return None
    wanted = _as_uuid(
        request.META.get(HEADER) or (request.session.get(SESSION_KEY) if hasattr(request, "session") else None)
    )
    known = getattr(user, _MEMBERSHIPS, None)
    if known is not None:
        chosen = [m for m in known if m.merchant_id == wanted]
        return (chosen or known or [None])[0]
    memberships = Membership.objects.filter(user=user).select_related("merchant").order_by("created_at")
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

    # Every tenant table leads an index with merchant (enforced by a system check, core.checks), so the
    # plain merchant index would only cost writes and planning time.
    merchant = models.ForeignKey("accounts.Merchant", on_delete=models.CASCADE, related_name="+", db_index=False)

    objects = MerchantManager()

    class Meta:
        abstract = True
