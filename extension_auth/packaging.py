"""The Chrome extension as a zip for the Chrome Web Store or "Load unpacked": one builder for `make extension`
and the dashboard's download, so the two never differ.

The zip holds what Chrome loads (manifest, scripts, pages, icons), not the extension's tests or tooling, and
is the same bytes for the same sources (fixed timestamps, sorted names).

The checked-in manifest reaches CJ's site and this computer only. A zip built for a self-hosted HTTPS
server names that one origin as an optional host permission, which the options page asks for at run
time: no build ever asks for every HTTPS site.
"""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings

SHIPPED = ("manifest.json", "ui.css", "icons", "src", "popup", "options")
FIXED_TIME = (2024, 1, 1, 0, 0, 0)


def extension_dir() -> Path:
    return Path(settings.BASE_DIR) / "extension"


def extension_version(source: Path | None = None) -> str:
    manifest = json.loads(((source or extension_dir()) / "manifest.json").read_text())
    return manifest["version"]


def zip_name(source: Path | None = None) -> str:
    return f"nexusone-extension-{extension_version(source)}.zip"


def shipped_files(source: Path) -> list[Path]:
    files = []
    for name in SHIPPED:
        path = source / name
        files.extend([path] if path.is_file() else (p for p in path.rglob("*") if p.is_file()))
    return sorted(files)


def server_permission(server_url: str) -> str | None:
    """The host permission a NexusOne server at `server_url` needs at run time: HTTPS servers only (the
    loopback servers of `make run` are granted at install; plain HTTP elsewhere is refused by the extension)."""
    parts = urlsplit(server_url or "")
    if parts.scheme != "https" or not parts.hostname:
        return None
    return f"https://{parts.hostname}/*"


def manifest_for(source: Path, server_url: str = "") -> bytes:
    """manifest.json as shipped: the checked-in one, plus the server's origin as an optional permission."""
    raw = (source / "manifest.json").read_bytes()
    permission = server_permission(server_url)
    if permission is None:
        return raw
    manifest = json.loads(raw)
    manifest["optional_host_permissions"] = [permission]
    return (json.dumps(manifest, indent=2) + "\n").encode()


def build_extension_zip(source: Path | None = None, *, server_url: str = "") -> bytes:
    """The extension's zip, with manifest.json at its root as the Chrome Web Store expects; `server_url`:
    the NexusOne server it is built for (an HTTPS server becomes its one optional host permission)."""
    source = source or extension_dir()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in shipped_files(source):
            name = path.relative_to(source).as_posix()
            info = zipfile.ZipInfo(name, date_time=FIXED_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, manifest_for(source, server_url) if name == "manifest.json" else path.read_bytes())
    return buffer.getvalue()
