"""The analytics page (full page, or its report partial for htmx) and the customer's rating page."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_http_methods

from nexusone.core.access import current_merchant
from nexusone.core.rendering import render_page

from . import actions
from .choices import Stage
from .forms import PRESETS, PeriodForm


def chart_data(summary: dict[str, Any]) -> dict[str, Any]:
    """What static/js/analytics.js draws, handed over in a json_script tag (no inline script)."""
    return {
        "currency": summary["currency"],
        "series": summary["series"],
        "fulfillment": {
            Stage(stage).label: [{"hours": b["hours"], "orders": b["orders"]} for b in buckets]
            for stage, buckets in summary["fulfillment_distribution"].items()
        },
        "top_products": summary["top_products"],
        "categories": summary["categories"],
    }


@login_required
def index(request: HttpRequest) -> HttpResponse:
    merchant = current_merchant(request)
    form = PeriodForm(merchant, request.GET or None)
    period = form.period()
    summary = actions.summary(merchant, period)
    query = urlencode({"from": period.start.isoformat(), "to": period.end.isoformat()})
    context = {
        "form": form,
        "period": period,
        "presets": PRESETS,
        "summary": summary,
        "chart_data": chart_data(summary),
        "export_url": f"{reverse('analytics-export')}?{query}",
        "fulfillment_rows": [(stage.label, summary["fulfillment_hours"][stage.value]) for stage in Stage],
    }
    return render_page(request, "analytics/index.html", context, "report")


@require_http_methods(["GET", "POST"])
def rate(request: HttpRequest, token: str) -> HttpResponse:
    """The link in the delivered email: GET shows the choice (mail scanners only GET), POST records it once."""
    try:
        order = actions.order_for_token(token)
    except actions.InvalidRatingLink:
        return render(request, "analytics/rate.html", {"state": "invalid"}, status=404)
    context: dict[str, Any] = {"order": order, "merchant": order.merchant, "scores": range(1, 6)}
    if request.method == "POST":
        try:
            score = int(request.POST.get("score", ""))
            actions.rate_order(token, score)
        except ValueError:
            context.update(state="ask", error="Choose 1 to 5 stars.")
            return render(request, "analytics/rate.html", context, status=400)
        except actions.AlreadyRated:
            return render(request, "analytics/rate.html", {**context, "state": "done_before"}, status=409)
        return render(request, "analytics/rate.html", {**context, "state": "thanks", "score": score})
    if hasattr(order, "rating"):
        return render(request, "analytics/rate.html", {**context, "state": "done_before"})
    context.update(state="ask", chosen=request.GET.get("score", ""))
    return render(request, "analytics/rate.html", context)
