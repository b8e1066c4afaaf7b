"""CJ's error codes (CJ_API.md §12) mapped to the named supplier errors."""

from __future__ import annotations

from nexusone.suppliers.base import (
    SupplierAuthError,
    SupplierError,
    SupplierNotFound,
    SupplierQuotaExhausted,
    SupplierRateLimited,
    SupplierRejected,
    SupplierUnavailable,
)

TOKEN_INVALID = 1600001
REFRESH_TOKEN_INVALID = 1600003
RATE_LIMITED = 1600200
ORDER_EXISTS = 1603003
ORDER_DELETE_FAILED = 1603002
PARAMETER_ERROR = 1600300

AUTH_CODES = {1600001, 1600002, 1600003, 1600004, 1600005, 1600008, 1601000}
RATE_CODES = {1600200}
QUOTA_CODES = {1600201, 429}
UNAVAILABLE_CODES = {1600000, 1600100, 1600301}
NOT_FOUND_CODES = {1602000, 1602001, 1603100}


def error_for_code(code: int | str | None, message: str, *, request_id: str = "") -> SupplierError:
    """The named error for a failed envelope; `message` is CJ's own wording (it may change)."""
    try:
        number = int(code)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        number = -1
    text = f"CJ {code}: {message}".strip()
    kwargs = {"code": code, "request_id": request_id}
    if number in AUTH_CODES:
        return SupplierAuthError(text, **kwargs)
    if number in QUOTA_CODES:
        return SupplierQuotaExhausted(text, **kwargs)
    if number in RATE_CODES:
        return SupplierRateLimited(text, **kwargs)
    if number in UNAVAILABLE_CODES:
        return SupplierUnavailable(text, **kwargs)
    if number in NOT_FOUND_CODES or (number == PARAMETER_ERROR and "not found" in message.lower()):
        return SupplierNotFound(text, **kwargs)
    return SupplierRejected(text, **kwargs)
