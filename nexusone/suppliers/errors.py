"""Errors about the merchant's supplier connection, shared by every app that talks to the supplier."""

from __future__ import annotations

from nexusone.core.exceptions import Conflict


class SupplierNotConnected(Conflict):
    """The merchant has no usable supplier account for what was asked; the API answers 409.

    Each caller says what to do next in its own words: `SupplierNotConnected("... then sync again.")`."""

    default_code = "supplier_not_connected"
    default_detail = "Connect your CJ account in Settings → CJ connection first."
