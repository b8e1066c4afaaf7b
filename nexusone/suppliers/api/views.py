"""The receiver of the suppliers' webhooks (CJ's: POST /api/webhooks/cj)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from .. import inbox
from ..base import SupplierRejected

WEBHOOK_OK = b'{"code": 200, "result": "success", "message": "ok"}'  # CJ's sample reply, sent as is


@csrf_exempt
@require_POST
def cj_webhook(request: HttpRequest) -> HttpResponse:
    """CJ's webhooks: signature over the raw body, stored once, processed by a task; answers at once."""
    headers = {key.lower(): value for key, value in request.headers.items()}
    try:
        receipt = inbox.receive_webhook(request.body, headers, source="cj")
    except (ValueError, KeyError, TypeError, SupplierRejected):
        return JsonResponse({"code": 400, "result": "error", "message": "unreadable message"}, status=400)
    if receipt.outcome == "invalid":
        return JsonResponse({"code": 401, "result": "error", "message": "bad signature"}, status=401)
    return HttpResponse(WEBHOOK_OK, content_type="application/json")  # stored now, or a replay of a stored one
