"""Create the row-level security roles and grants (idempotent): run with DATABASE_OWNER_URL set."""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from nexusone.core.db import roles


class Command(BaseCommand):
    help = (
        "As DATABASE_OWNER_URL: create the application role (DATABASE_URL's user, LOGIN NOSUPERUSER NOBYPASSRLS) "
        "and the NOLOGIN BYPASSRLS bypass role when missing, and grant both row privileges on every table."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--database", default="default")

    def handle(self, *args, **options) -> None:
        app = roles.setup_roles(options["database"], create=True)
        if app is None:
            raise CommandError("Set DATABASE_OWNER_URL (the tables' owner) and a PostgreSQL DATABASE_URL.")
        self.stdout.write(f"Roles ready: {app} (application), {settings.DATABASE_BYPASS_ROLE} (bypass).")
