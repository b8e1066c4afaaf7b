"""What every billing provider offers."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from rest_framework import status
from rest_framework.exceptions import APIException

if TYPE_CHECKING:
    from django.http import HttpRequest

    from ..models import Merchant, User


class BillingUnavailable(APIException):
    """The billing provider failed; nothing changed."""

    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_code = "billing_unavailable"
    default_detail = "Billing is unavailable right now. Nothing was changed; try again in a minute."


@dataclass(frozen=True)
class PlanChangeResult:
    """`applied`: the plan changed now. Otherwise the merchant finishes at `redirect_url` (pay or cancel)."""

    applied: bool
    plan: str
    redirect_url: str = ""


class BillingProvider(Protocol):
    name: str

    def request_plan_change(
        self, merchant: Merchant, plan: str, *, by: User, request: HttpRequest | None, return_url: str
    ) -> PlanChangeResult: ...

    def manage_billing_url(self, merchant: Merchant, *, return_url: str) -> str | None:
        """Where the owner manages payment details and cancels; None when there is nothing to manage."""
        ...
