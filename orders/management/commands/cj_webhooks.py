"""Register (or cancel) our webhook URL with CJ for every connected CJ account, or one merchant's;
or square the catalog's product subscriptions with CJ's list (--sync-subscriptions)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.management.base import CommandError
from rest_framework.exceptions import APIException

from nexusone.core.management.tenant import TenantCommand
from nexusone.suppliers.models import SupplierAccount
from orders import actions


class Command(TenantCommand):
    bypass_reason = "registers webhooks for every connected CJ account"
    help = "Point CJ's product, stock, order and logistics webhooks at URL (CJ wants public HTTPS)."

    def add_arguments(self, parser) -> None:
        action = parser.add_mutually_exclusive_group(required=True)
        action.add_argument("--set", metavar="URL", help="e.g. https://app.example.com/api/webhooks/cj")
        action.add_argument("--cancel", metavar="URL", help="turn the topics off for this URL")
        action.add_argument(
            "--sync-subscriptions",
            action="store_true",
            help="subscribe products CJ does not send messages for; unsubscribe those no store carries",
        )
        parser.add_argument("--merchant", help="only this merchant's account (id)")

    def handle(self, *args, **opts) -> None:
        if opts["sync_subscriptions"]:
            self._sync_subscriptions(opts["merchant"])
            return
        url = opts["set"] or opts["cancel"]
        if not url.startswith(("https://", "http://")):
            raise CommandError(f"{url!r} is not a URL.")
        accounts = SupplierAccount.objects.filter(supplier="cj").select_related("merchant")
        if opts["merchant"]:
            accounts = accounts.filter(merchant_id=opts["merchant"])
        if not accounts:
            raise CommandError("No connected CJ account.")
        enable = bool(opts["set"])
        failures = 0
        for account in accounts:
            try:
                actions.register_webhooks(account.merchant, url, enable=enable)
            except ValidationError as exc:
                failures += 1
                self.stderr.write(f"{account.merchant.name}: {' '.join(exc.messages)}")
                continue
            except APIException as exc:
                failures += 1
                self.stderr.write(f"{account.merchant.name}: {exc.detail}")
                continue
            verb = "now sends" if enable else "no longer sends"
            self.stdout.write(self.style.SUCCESS(f"{account.merchant.name}: CJ {verb} webhooks to {url}"))
        if failures:
            raise CommandError(f"{failures} account(s) could not be updated.")

    def _sync_subscriptions(self, merchant_id: str | None) -> None:
        from inventory.actions import reconcile_subscriptions

        accounts = SupplierAccount.objects.filter(supplier="cj").select_related("merchant")
        if merchant_id:
            accounts = accounts.filter(merchant_id=merchant_id)
        if not accounts:
            raise CommandError("No connected CJ account.")
        for account in accounts:
            result = reconcile_subscriptions(account.merchant)
            line = (
                f"{account.merchant.name}: {result.confirmed} already subscribed, {result.subscribed} subscribed, "
                f"{result.unsubscribed} unsubscribed, {result.failed} refused by CJ"
            )
            if result.stopped:
                self.stderr.write(f"{line}; stopped: {result.stopped}")
            else:
                self.stdout.write(self.style.SUCCESS(line))
