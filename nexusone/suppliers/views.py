"""The "Connect CJ" section of the settings page (its template is suppliers/_settings_section.html)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from nexusone.core.access import require_owner

from . import actions
from .forms import ConnectCJForm


@sensitive_post_parameters("api_key")
@login_required
@require_POST
def connect_cj(request: HttpRequest) -> HttpResponse:
    require_owner(request, "change the CJ connection")
    form = ConnectCJForm(request.POST)
    if not form.is_valid():
        messages.error(request, "; ".join(" ".join(errors) for errors in form.errors.values()))
        return redirect("accounts:settings")
    try:
        result = actions.connect_account(
            request.merchant,
            form.cleaned_data["api_key"],
            sandbox_orders=form.cleaned_data["sandbox_orders"],
            by=request.user,
            request=request,
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("accounts:settings")
    (messages.success if result.ok else messages.error)(request, result.message)
    return redirect("accounts:settings")


@login_required
@require_POST
def check_cj(request: HttpRequest) -> HttpResponse:
    require_owner(request, "change the CJ connection")
    result = actions.check_connection(request.merchant, by=request.user, request=request)
    (messages.success if result.ok else messages.error)(request, result.message)
    return redirect("accounts:settings")


@login_required
@require_POST
def disconnect_cj(request: HttpRequest) -> HttpResponse:
    require_owner(request, "change the CJ connection")
    if actions.disconnect_account(request.merchant, by=request.user, request=request):
        messages.success(request, "Disconnected from CJ.")
    return redirect("accounts:settings")
