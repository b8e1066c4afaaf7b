"""Register (or cancel) our webhook URL with CJ for every connected CJ account, or one merchant's."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from nexusone.suppliers.base import SupplierError
from nexusone.suppliers.models import SupplierAccount
from nexusone.suppliers.registry import get_supplier


class Command(BaseCommand):
    help = "Point CJ's product, stock, order and logistics webhooks at URL (CJ wants public HTTPS)."

    def add_arguments(self, parser) -> None:
        action = parser.add_mutually_exclusive_group(required=True)
        action.add_argument("--set", metavar="URL", help="e.g. https://app.example.com/api/webhooks/cj")
        action.add_argument("--cancel", metavar="URL", help="turn the topics off for this URL")
        parser.add_argument("--merchant", help="only this merchant's account (id)")

    def handle(self, *args, **opts) -> None:
        url = opts["set"] or opts["cancel"]
        if not url.startswith(("https://", "http://")):
            raise CommandError(f"{url!r} is not a URL.")
        accounts = SupplierAccount.objects.filter(supplier="cj").select_related("merchant")
        if opts["merchant"]:
            accounts = accounts.filter(merchant_id=opts["merchant"])
        if not accounts:
            raise CommandError("No connected CJ account.")
        failures = 0
        for account in accounts:
            supplier = get_supplier(account)
            register = getattr(supplier, "register_webhooks", None)
            if register is None:
                raise CommandError(f"The {account.supplier} supplier cannot register webhooks.")
            try:
                register(url, enable=bool(opts["set"]))
            except SupplierError as exc:
                failures += 1
                self.stderr.write(f"{account.merchant.name}: CJ refused ({exc.code}): {exc}")
                continue
            verb = "now sends" if opts["set"] else "no longer sends"
            self.stdout.write(self.style.SUCCESS(f"{account.merchant.name}: CJ {verb} webhooks to {url}"))
        if failures:
            raise CommandError(f"{failures} account(s) could not be updated.")
