"""Manual billing (self-hosted, the demo): every change applies at once; invoices happen elsewhere."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .base import PlanChangeResult

if TYPE_CHECKING:
    from django.http import HttpRequest

    from ..models import Merchant, User


class ManualBilling:
    name = "manual"

    def request_plan_change(
        self, merchant: Merchant, plan: str, *, by: User, request: HttpRequest | None, return_url: str
    ) -> PlanChangeResult:
        from ..actions import change_plan

        change_plan(merchant, plan, by=by, request=request, source=self.name)
        return PlanChangeResult(applied=True, plan=merchant.plan)

    def manage_billing_url(self, merchant: Merchant, *, return_url: str) -> str | None:
        return None
