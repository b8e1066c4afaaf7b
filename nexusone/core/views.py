from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from .dashboard import dashboard_counts, dashboard_health
from .health import run_checks
from .rendering import render_page


@require_GET
@never_cache
def health(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})


@require_GET
@never_cache
def health_ready(request: HttpRequest) -> JsonResponse:
    ready, checks = run_checks()
    return JsonResponse({"status": "ready" if ready else "not_ready", "checks": checks}, status=200 if ready else 503)


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    if request.merchant is None:
        return render(request, "core/no_merchant.html", status=403)
    if request.GET.get("panel") == "sync-health":  # the panel's own refresh
        context = {"health": dashboard_health(request.merchant)}
        return render_page(request, "core/dashboard.html", context, "sync_health")
    context = {"counts": dashboard_counts(request.merchant), "health": dashboard_health(request.merchant)}
    return render_page(request, "core/dashboard.html", context, "counts")
