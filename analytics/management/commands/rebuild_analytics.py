"""`manage.py rebuild_analytics [--merchant ID] [--from YYYY-MM-DD]`: recompute the rollups from orders and ratings."""

from __future__ import annotations

import uuid
from datetime import date

from django.core.management.base import CommandError, CommandParser

from analytics import actions
from nexusone.accounts.models import Merchant
from nexusone.core.management.tenant import TenantCommand


class Command(TenantCommand):
    bypass_reason = "rebuilds every store's rollups"
    help = "Recompute analytics rollups from orders and ratings (idempotent; events and stock history are kept)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--merchant", help="Only this store (its id); default: every store.")
        parser.add_argument("--from", dest="since", help="Only the store days from this date (YYYY-MM-DD).")

    def handle(self, *args: object, merchant: str | None = None, since: str | None = None, **options: object) -> None:
        try:
            start = date.fromisoformat(since) if since else None
        except ValueError as exc:
            raise CommandError(f"--from {since!r} is not a date; use YYYY-MM-DD.") from exc
        merchants = Merchant.objects.order_by("created_at")
        if merchant:
            try:
                merchants = merchants.filter(pk=uuid.UUID(merchant))
            except ValueError as exc:
                raise CommandError(f"--merchant {merchant!r} is not a store id.") from exc
            if not merchants.exists():
                raise CommandError(f"No store with id {merchant}.")
        total = merchants.count()
        for number, store in enumerate(merchants.iterator(), start=1):
            orders = actions.rebuild(store, start)
            actions.snapshot_stock(store)
            self.stdout.write(f"[{number}/{total}] {store.name}: {orders} orders")
        self.stdout.write(self.style.SUCCESS(f"Rebuilt analytics of {total} store(s)."))
