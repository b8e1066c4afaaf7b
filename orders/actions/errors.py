"""What an order operation refuses with: named errors the API turns into its error shape."""

from __future__ import annotations

from typing import Any

from rest_framework import status as http_status
from rest_framework.exceptions import APIException, ErrorDetail

from nexusone.core.exceptions import Conflict
from nexusone.suppliers.errors import SupplierNotConnected

__all__ = ["InsufficientStock", "SupplierNotConnected", "SupplierUnreachable", "shortage_message"]


def shortage_message(shortage: dict[str, Any]) -> str:
    return (
        f"Not enough stock for {shortage['name']}: {shortage['requested']} requested, "
        f"{shortage['available']} available."
    )


class InsufficientStock(Conflict):
    """Not enough unreserved stock for one or more lines; nothing was reserved."""

    default_code = "insufficient_stock"
    default_detail = "Not enough stock."

    def __init__(self, shortages: list[dict[str, Any]]) -> None:
        self.shortages = shortages
        details = {
            f"items.{s['index']}.quantity": [ErrorDetail(shortage_message(s), code=self.default_code)]
            for s in shortages
        }
        super().__init__(detail=details, code=self.default_code)


class SupplierUnreachable(APIException):
    status_code = http_status.HTTP_503_SERVICE_UNAVAILABLE
    default_code = "supplier_unavailable"
    default_detail = "CJ did not answer; nothing was changed. Try again in a moment."
