"""CJ product page URL → PID (CJ_API.md §13), for imports by URL.

`https://www.cjdropshipping.com/product/<slug>-p-<PID>.html`; the PID is an uppercase UUID
or a 15–20 digit number, taken from the last `-p-` before `.html`. The sandbox's pages
(on the host of a non-CJ `CJ_API_BASE_URL`) have the same form and are accepted too.
"""

from __future__ import annotations

import re
import urllib.parse

from django.conf import settings

PID_RE = re.compile(
    r"-p-([0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}|\d{15,20})\.html$",
)
CJ_DOMAIN = "cjdropshipping.com"


def _allowed_host(host: str) -> bool:
    host = host.lower().split(":")[0]
    if host == CJ_DOMAIN or host.endswith("." + CJ_DOMAIN):
        return True
    api_host = urllib.parse.urlsplit(settings.CJ_API_BASE_URL).netloc.lower().split(":")[0]
    return bool(api_host) and not api_host.endswith(CJ_DOMAIN) and host == api_host


def pid_from_url(url: str) -> str | None:
    """The PID in a CJ product URL, upper-cased; None when the URL is not a CJ product page."""
    try:
        parts = urllib.parse.urlsplit((url or "").strip())
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not _allowed_host(parts.netloc):
        return None
    match = PID_RE.search(urllib.parse.unquote(parts.path))
    return match.group(1).upper() if match else None
