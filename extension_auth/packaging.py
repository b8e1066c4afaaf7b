"""The Chrome extension as a zip for the Chrome Web Store or "Load unpacked": one builder for `make extension`
and the dashboard's download, so the two never differ.

The zip holds what Chrome loads (manifest, scripts, pages, icons), not the extension's tests or tooling, and
is the same bytes for the same sources (fixed timestamps, sorted names).
"""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

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


def build_extension_zip(source: Path | None = None) -> bytes:
    """The extension's zip, with manifest.json at its root as the Chrome Web Store expects."""
    source = source or extension_dir()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in shipped_files(source):
            info = zipfile.ZipInfo(path.relative_to(source).as_posix(), date_time=FIXED_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, path.read_bytes())
    return buffer.getvalue()
