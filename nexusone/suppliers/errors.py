"""Errors about the merchant's supplier connection, shared by every app that talks to a supplier."""

from __future__ import annotations

from nexusone.core.exceptions import Conflict

NOT_CONNECTED_MESSAGE = (
    "Connect your CJ account first: open Settings → CJ connection and paste the API key from My CJ → API."
)


class SupplierNotConnected(Conflict):
    """The merchant has no supplier connection to act through: 409 `supplier_not_connected`.

    `str(error)` is the message a merchant sees, in a page or in the API's error shape; each caller may say
    what to do next in its own words: `SupplierNotConnected("... then sync again.")`."""

    default_code = "supplier_not_connected"
    default_detail = NOT_CONNECTED_MESSAGE
