"""`python manage.py build_extension [--out DIR]`: write the Chrome extension's zip (what `make extension` runs)."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand

from extension_auth.packaging import build_extension_zip, zip_name


class Command(BaseCommand):
    help = "Build the Chrome extension zip for the Chrome Web Store (or to load unpacked after unzipping)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--out", default="dist", help="Directory to write the zip to (default: dist).")
        parser.add_argument(
            "--server",
            default="",
            help="The NexusOne server the zip is for, e.g. https://nexusone.example.com (it may ask for that "
            "one HTTPS origin at run time). Empty: this computer's `make run` only.",
        )

    def handle(self, *args, out: str, server: str, **options) -> None:
        directory = Path(out)
        directory.mkdir(parents=True, exist_ok=True)
        target = directory / zip_name()
        target.write_bytes(build_extension_zip(server_url=server))
        self.stdout.write(self.style.SUCCESS(f"{target} ({target.stat().st_size:,} bytes)"))
