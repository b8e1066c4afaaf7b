"""`migrate` as the table owner (DATABASE_OWNER_URL) when one is set, then the application role's grants.

Without DATABASE_OWNER_URL it is Django's `migrate`, on DATABASE_URL."""

from __future__ import annotations

from django.conf import settings
from django.core.management.commands import migrate

from nexusone.core import checks
from nexusone.core.db import roles


class Command(migrate.Command):
    help = migrate.Command.help + " Runs as DATABASE_OWNER_URL when set, then grants the application role."

    def execute(self, *args, **options):
        token = checks.MIGRATING.set(True)  # (Django runs the database checks in execute, before handle)
        try:
            return super().execute(*args, **options)
        finally:
            checks.MIGRATING.reset(token)

    def handle(self, *args, **options) -> None:
        alias = options["database"]
        with roles.owner_connection(alias):
            super().handle(*args, **options)
        app = roles.setup_roles(alias, create=False)
        if app and options["verbosity"] >= 1:
            self.stdout.write(f"Granted row privileges to {app} and {settings.DATABASE_BYPASS_ROLE}.")
