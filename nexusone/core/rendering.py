"""Pages that htmx also asks for in parts (django-template-partials' `template#partial`)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def render_partial(
    request: HttpRequest, template: str, context: dict[str, Any], partial: str | None = None, **kwargs: Any
) -> HttpResponse:
    """The template, or only its named partial; caches keep the two apart (Vary: HX-Request)."""
    response = render(request, f"{template}#{partial}" if partial else template, context, **kwargs)
    response["Vary"] = "HX-Request"
    return response


def render_page(
    request: HttpRequest, template: str, context: dict[str, Any], partial: str | None = None, **kwargs: Any
) -> HttpResponse:
    """One view serves the full page and, to htmx, the named partial."""
    return render_partial(request, template, context, partial if wants_partial(request) else None, **kwargs)


def wants_partial(request: HttpRequest) -> bool:
    """htmx asks for a part of the page, except when it restores a page from history (its cache
    missed after Back): then it needs the whole page."""
    return bool(request.htmx) and not request.htmx.history_restore_request
