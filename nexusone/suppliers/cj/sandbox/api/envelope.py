"""CJ's envelope and errors as the sandbox answers them, and reading a call's parameters."""

from __future__ import annotations

import uuid
from typing import Any

from django.http import HttpRequest, JsonResponse
from django.urls import reverse


class CJFailure(Exception):
    def __init__(self, code: int, message: str, http_status: int = 200) -> None:
        super().__init__(message)
        self.code, self.message, self.http_status = code, message, http_status


def envelope(data: Any, *, code: int = 200, message: str = "Success", result: bool = True) -> dict[str, Any]:
    return {"code": code, "result": result, "message": message, "data": data, "requestId": str(uuid.uuid4())}


def failure(code: int, message: str, *, status: int = 200, **extra: Any) -> JsonResponse:
    body = {"code": code, "result": False, "message": message, "data": None, "requestId": str(uuid.uuid4())}
    body.update(extra)
    return JsonResponse(body, status=status)


def image_url(request: HttpRequest, key: str) -> str:
    return request.build_absolute_uri(reverse("cj_sandbox:image", args=[key]))


def param(params: dict[str, Any], name: str, *, required: bool = False) -> str:
    value = params.get(name)
    if isinstance(value, list):
        value = value[0] if value else None
    if value is None or value == "":
        if required:
            raise CJFailure(16900403, f"{name} can not be empty")
        return ""
    return str(value)


def int_param(params: dict[str, Any], name: str, default: int, low: int, high: int) -> int:
    raw = param(params, name)
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError as exc:
        raise CJFailure(1600300, f"param error: {name} must be a number") from exc
    return max(low, min(high, value))


def require(body: dict[str, Any], names: tuple[str, ...]) -> None:
    """CJ's answer to a missing or empty field: 16900403 naming the first one."""
    for name in names:
        if not body.get(name):
            raise CJFailure(16900403, f"{name} can not be empty")


def features(request: HttpRequest) -> str:
    """The `features` query values, comma-joined (CJ accepts them repeated or comma-separated)."""
    return ",".join(request.GET.getlist("features"))
