"""Error responses outside DRF views: the API's error shape for API paths, a short page for the rest.

Used by Django's 400 handler (an oversized body or too many form fields, raised before any view
runs) and by the rate limits, so a client gets the same answer wherever the request was stopped.
"""

from __future__ import annotations

from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.views import defaults

API_PREFIX = "/api/"

TOO_LARGE = "The request is too large: it sent more data or more fields than we accept. Send less at once."
BAD_REQUEST = "The request could not be read. Reload the page and try again."


def wants_json(request: HttpRequest) -> bool:
    return request.path.startswith(API_PREFIX) or "application/json" in request.headers.get("Accept", "")


def error_response(
    request: HttpRequest, status: int, code: str, detail: str, headers: dict[str, str] | None = None
) -> HttpResponse:
    """`{"type": "client_error", "errors": [...]}` for API clients, a page saying `detail` for people."""
    if wants_json(request):
        body = {"type": "client_error", "errors": [{"code": code, "detail": detail, "attr": None}]}
        response: HttpResponse = JsonResponse(body, status=status)
    else:
        html = render_to_string("core/errors/error.html", {"status": status, "detail": detail}, request=request)
        response = HttpResponse(html, status=status)
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """Django's handler404: the error shape on API paths (a path no route matches), the usual page elsewhere."""
    if wants_json(request):
        return error_response(request, 404, "not_found", "Not found.")
    return defaults.page_not_found(request, exception)


def server_error(request: HttpRequest) -> HttpResponse:
    """Django's handler500: the error shape on API paths, the usual page elsewhere."""
    if wants_json(request):
        body = {"type": "server_error", "errors": [{"code": "error", "detail": "Server Error (500)", "attr": None}]}
        return JsonResponse(body, status=500)
    return defaults.server_error(request)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """Django's handler400: too much data is 413, anything else unreadable is 400."""
    if isinstance(exception, RequestDataTooBig | TooManyFieldsSent | TooManyFilesSent):
        code = "too_many_fields" if isinstance(exception, TooManyFieldsSent) else "payload_too_large"
        return error_response(request, 413, code, TOO_LARGE)
    return error_response(request, 400, "bad_request", BAD_REQUEST)
