"""Maps a supplier code (`cj`) to its implementation: a new supplier is a new package."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from django.utils.module_loading import import_string

from .base import Supplier

if TYPE_CHECKING:
    from .models import SupplierAccount

SUPPLIERS: dict[str, str] = {
    "cj": "nexusone.suppliers.cj.client.CJSupplier",
}

_overrides: dict[str, Callable[[SupplierAccount], Supplier]] = {}


def register(code: str, factory: Callable[[SupplierAccount], Supplier]) -> None:
    """Register (or, in tests, override) the factory for a supplier code."""
    _overrides[code] = factory


def unregister(code: str) -> None:
    _overrides.pop(code, None)


def get_supplier(account: SupplierAccount) -> Supplier:
    factory = _overrides.get(account.supplier)
    if factory is None:
        try:
            factory = import_string(SUPPLIERS[account.supplier])
        except KeyError as exc:
            raise LookupError(f"No supplier registered for code {account.supplier!r}") from exc
    return factory(account)
