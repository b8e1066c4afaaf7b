"""Turn what a merchant pastes (CJ product URLs, product IDs) into CJ PIDs (CJ_API.md §13)."""

from __future__ import annotations

import re
import urllib.parse
from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings

UUID_PID = r"[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}"
DIGIT_PID = r"\d{15,20}"
PID_IN_PATH = re.compile(rf"-p-({UUID_PID}|{DIGIT_PID})\.html$")
BARE_PID = re.compile(rf"^(?:{UUID_PID}|{DIGIT_PID})$")
SEPARATORS = re.compile(r"[\s,;]+")
CJ_DOMAIN = "cjdropshipping.com"
# CJ's older product page: /product-detail.html?id=<PID>
DETAIL_PAGE = re.compile(r"/product-detail\.html$")
ONE_PER_ITEM = "A CJ product URL or product ID has no spaces, commas or semicolons; give one per item."


@dataclass(frozen=True)
class ParsedInput:
    input: str
    pid: str = ""
    error: str = ""

    @property
    def valid(self) -> bool:
        return bool(self.pid)


def split_inputs(values: Sequence[str] | str) -> list[str]:
    """The inputs of a request, each to be parsed as one item.

    Text (pasted into the import page, or the command line's arguments joined) is split on commas,
    semicolons, spaces and new lines. A list (the API's `urls` and `product_ids`, the ticked catalog
    products) is already itemised: each element is one input, kept whole, so a malformed element is
    one invalid item echoing what was sent.
    """
    if isinstance(values, str):
        return [token for token in SEPARATORS.split(values) if token]
    return [value.strip() for value in values]


def _sandbox_hosts() -> frozenset[str]:
    """Hosts of a configured CJ stand-in (the sandbox) whose product pages are CJ-shaped too."""
    hosts = set()
    base = urllib.parse.urlsplit(settings.CJ_API_BASE_URL).hostname or ""
    if base and not _is_cj_host(base):
        hosts.add(base)
    if getattr(settings, "CJ_SANDBOX_ENABLED", False):
        hosts.add(urllib.parse.urlsplit(settings.SITE_URL).hostname or "")
    return frozenset(h for h in hosts if h)


def _is_cj_host(host: str) -> bool:
    return host == CJ_DOMAIN or host.endswith("." + CJ_DOMAIN)


def _looks_like_url(text: str) -> bool:
    lowered = text.lower()
    return "://" in lowered or lowered.startswith("www.") or CJ_DOMAIN in lowered or "/" in lowered


def parse_url(text: str) -> ParsedInput:
    candidate = text if "://" in text else f"https://{text}"
    try:
        parts = urllib.parse.urlsplit(candidate)
        host = (parts.hostname or "").lower()
    except ValueError:
        return ParsedInput(text, error="Not a valid URL.")
    if parts.scheme not in ("http", "https"):
        return ParsedInput(text, error="Only http and https links can be imported.")
    if not (_is_cj_host(host) or host in _sandbox_hosts()):
        return ParsedInput(text, error=f"{host or 'This link'} is not a CJ Dropshipping product page.")
    path = urllib.parse.unquote(parts.path)
    match = PID_IN_PATH.search(path)
    if match:
        return ParsedInput(text, pid=match.group(1).upper())
    if DETAIL_PAGE.search(path):
        query_id = urllib.parse.parse_qs(parts.query).get("id", [""])[0].strip()
        if BARE_PID.match(query_id):
            return ParsedInput(text, pid=query_id.upper())
    return ParsedInput(text, error="No product ID in this CJ link; open the product page and copy its address.")


def parse_input(text: str) -> ParsedInput:
    """One pasted token: a CJ product URL or a bare PID (uppercase UUID or a 15–20 digit number)."""
    text = text.strip()
    if not text:
        return ParsedInput(text, error="Empty input.")
    if BARE_PID.match(text):
        return ParsedInput(text, pid=text.upper())
    if SEPARATORS.search(text):
        return ParsedInput(text, error=ONE_PER_ITEM)
    if _looks_like_url(text):
        return parse_url(text)
    if text.isdigit():
        return ParsedInput(text, error="A CJ product ID has 15 to 20 digits.")
    return ParsedInput(text, error="Not a CJ product URL or product ID.")


def parse_inputs(values: Sequence[str] | str) -> tuple[list[ParsedInput], int]:
    """Parse every input (see split_inputs); a repeated PID (or repeated invalid text) counts once.

    Returns (items, repeats).
    """
    items: list[ParsedInput] = []
    seen: set[str] = set()
    repeats = 0
    for token in split_inputs(values):
        parsed = parse_input(token)
        key = f"pid:{parsed.pid}" if parsed.pid else f"raw:{parsed.input}"
        if key in seen:
            repeats += 1
            continue
        seen.add(key)
        items.append(parsed)
    return items, repeats
