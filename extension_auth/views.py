from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST
from rest_framework.exceptions import APIException

from nexusone.core.forms import apply_validation_error
from nexusone.core.rendering import render_page

from . import actions
from .forms import GenerateTokenForm
from .packaging import build_extension_zip, zip_name


def _sessions(request: HttpRequest):
    return actions.visible_sessions(request.user, request.merchant, is_owner=request.membership.is_owner)


def _render(request: HttpRequest, context: dict, partial: str | None = None, status: int = 200) -> HttpResponse:
    merchant = request.merchant
    context = {
        "premium": actions.plan_allows_extension(merchant),
        "sessions": _sessions(request).order_by("revoked_at", "-created_at")[:100],
        "form": GenerateTokenForm(),
        "extension_zip": zip_name(),
        "server_url": request.build_absolute_uri("/").rstrip("/"),
        **context,
    }
    return render_page(request, "extension_auth/index.html", context, partial, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def index(request: HttpRequest) -> HttpResponse:
    """Pair the extension: generate a token (shown once), see and revoke sessions."""
    if request.merchant is None:
        return render(request, "core/no_merchant.html", status=403)
    if request.method == "GET":
        return _render(request, {}, "sessions")
    form = GenerateTokenForm(request.POST)
    if form.is_valid():
        try:
            session, token = actions.create_session(
                request.user, request.merchant, request=request, **form.cleaned_data
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        except APIException as exc:  # plan required, too many sessions
            form.add_error(None, str(exc.detail))
        else:
            response = _render(request, {"token": token, "new_session": session}, "generated")
            if request.htmx:  # the sessions list gains the new row too (out-of-band swap)
                response.content += _render(request, {"oob": True}, "sessions").content
            return response
    return _render(request, {"form": form}, "generated", status=200)


@login_required
@require_POST
def revoke(request: HttpRequest, session_id: str) -> HttpResponse:
    if request.merchant is None:
        raise PermissionDenied
    session = get_object_or_404(_sessions(request), pk=session_id)
    if actions.revoke_session(session, by=request.user):
        messages.success(request, f"“{session.name}” revoked: its token stops working now.")
    if request.htmx:
        return _render(request, {}, "sessions")
    return redirect("extension_auth:index")


@login_required
@require_POST
def revoke_all(request: HttpRequest) -> HttpResponse:
    if request.merchant is None:
        raise PermissionDenied
    count = actions.revoke_own_sessions(request.user, request.merchant)
    messages.success(request, f"{count} session{'s' if count != 1 else ''} revoked.")
    if request.htmx:
        return _render(request, {}, "sessions")
    return redirect("extension_auth:index")


@login_required
@require_http_methods(["GET"])
def download(request: HttpRequest) -> HttpResponse:
    """The extension's zip, built from the extension's sources on each download (a few milliseconds), for the
    server the merchant downloaded it from."""
    zipped = build_extension_zip(server_url=request.build_absolute_uri("/"))
    response = HttpResponse(zipped, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{zip_name()}"'
    response["Cache-Control"] = "no-store"
    return response
