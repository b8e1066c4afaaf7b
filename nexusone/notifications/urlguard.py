"""Outgoing webhook URLs must not reach inside our network: no private, loopback or link-local addresses.

Checked when an endpoint is saved and again before every delivery, since DNS can change after the
check. A host listed in OUTGOING_WEBHOOK_ALLOWED_HOSTS skips the check (a local receiver in the demo).
"""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit

from django.conf import settings


class UnsafeWebhookUrl(ValueError):
    """The URL is not one we may post to; the message says why and what to do."""


def _is_internal(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    # Anything not globally routable (private, loopback, link-local, carrier-grade NAT 100.64/10, reserved,
    # documentation ranges...) or multicast is internal.
    return not address.is_global or address.is_multicast


def resolve(host: str, port: int) -> list[str]:
    """Every address the host resolves to now (each must be public)."""
    try:
        answers = socket.getaddrinfo(host, port, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError) as exc:
        raise UnsafeWebhookUrl(f"The host {host} does not resolve; check the URL.") from exc
    return sorted({answer[4][0] for answer in answers})


def check_webhook_url(url: str) -> None:
    """Raise UnsafeWebhookUrl unless `url` is http(s) to a host that resolves only to public addresses."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise UnsafeWebhookUrl("Use an http:// or https:// URL with a host name.")
    if parts.username or parts.password:
        raise UnsafeWebhookUrl("Leave credentials out of the URL; verify deliveries with the signing secret.")
    host = parts.hostname.lower()
    if host in {h.lower() for h in settings.OUTGOING_WEBHOOK_ALLOWED_HOSTS}:
        return
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError as exc:
        raise UnsafeWebhookUrl("The URL's port is not a number between 0 and 65535.") from exc
    for address in resolve(host, port):
        if _is_internal(ipaddress.ip_address(address.split("%", 1)[0])):
            raise UnsafeWebhookUrl(
                f"{host} resolves to {address}, a private, loopback or link-local address; "
                "webhooks go only to public addresses (an operator may allow a host in "
                "OUTGOING_WEBHOOK_ALLOWED_HOSTS)."
            )
