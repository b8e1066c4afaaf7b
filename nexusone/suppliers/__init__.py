"""The supplier layer: the protocol, the registry, CJ, and the errors every app shares."""

from .errors import NOT_CONNECTED_MESSAGE, SupplierNotConnected

__all__ = ["NOT_CONNECTED_MESSAGE", "SupplierNotConnected"]
