"""manage.py sync_inventory [--merchant ID] [--products ID ...] [--dry-run] [--planned]"""

from __future__ import annotations

import json

from django.core.exceptions import ValidationError
from django.core.management.base import CommandError
from django.db.models import Q
from tqdm import tqdm

from inventory import actions
from inventory.choices import SyncTrigger
from inventory.models import Product
from nexusone.accounts.models import Merchant
from nexusone.core.management.tenant import TenantCommand
from nexusone.suppliers.models import SupplierAccount


class Command(TenantCommand):
    bypass_reason = "syncs every store with a CJ account"
    help = "Sync stock and prices from CJ now, with a progress bar and a summary (every connected merchant by default)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--merchant", help="Merchant id (default: every merchant with a CJ account).")
        parser.add_argument("--products", nargs="+", metavar="ID", help="Product ids or CJ product ids (PIDs).")
        parser.add_argument("--dry-run", action="store_true", help="Read and compare, write nothing.")
        parser.add_argument("--json", action="store_true", help="Print the summary as JSON.")
        parser.add_argument(
            "--planned",
            action="store_true",
            help="Run one planned cycle (this quarter hour's share of the CJ points) instead of a full sync.",
        )

    def handle(self, *args, **opts) -> None:
        merchants = self._merchants(opts["merchant"])
        if opts["products"] and len(merchants) != 1:
            raise CommandError("--products needs --merchant.")
        if opts["planned"] and (opts["products"] or opts["dry_run"]):
            raise CommandError("--planned chooses its own products and writes what it reads.")
        summaries = []
        for merchant in merchants:
            product_ids = self._product_ids(merchant, opts["products"]) if opts["products"] else None
            bar = tqdm(desc=merchant.name[:30], unit="product", file=self.stderr._out, leave=True)

            def show(run, bar=bar) -> None:
                bar.total = run.total
                bar.n = run.processed + run.failed
                bar.set_postfix(changed=run.changed, failed=run.failed)
                bar.refresh()

            if opts["planned"]:
                run = actions.run_planned_cycle(merchant, on_progress=show)
            else:
                run = actions.start_sync(
                    merchant, SyncTrigger.MANUAL, product_ids, dry_run=opts["dry_run"], run_now=True, on_progress=show
                )
            bar.close()
            if run is None:
                plan = actions.freshness_plan(merchant)
                self.stdout.write(f"{merchant.pk}: nothing due in this cycle. {plan.message}")
                continue
            show(run)
            summaries.append(
                {
                    "merchant": str(merchant.pk),
                    "run": str(run.pk),
                    "status": run.status,
                    "total": run.total,
                    "processed": run.processed,
                    "changed": run.changed,
                    "failed": run.failed,
                    "api_calls": run.api_calls,
                    "dry_run": run.dry_run,
                    "errors": run.errors[:5],
                }
            )
        if opts["json"]:
            self.stdout.write(json.dumps(summaries, indent=2))
            return
        for summary in summaries:
            style = self.style.SUCCESS if summary["status"] == "succeeded" else self.style.WARNING
            dry = " (dry run: nothing written)" if summary["dry_run"] else ""
            self.stdout.write(
                style(
                    f"{summary['merchant']}: {summary['status']} — {summary['processed']}/{summary['total']} checked, "
                    f"{summary['changed']} changed, {summary['failed']} failed, {summary['api_calls']} API calls{dry}"
                )
            )
            for error in summary["errors"]:
                self.stdout.write(f"  {error.get('external_id', '')} {error['detail']}".rstrip())

    def _merchants(self, merchant_id: str | None) -> list[Merchant]:
        if merchant_id:
            try:
                return [Merchant.objects.get(pk=merchant_id)]
            except (Merchant.DoesNotExist, ValueError, ValidationError) as exc:
                raise CommandError(f"No merchant {merchant_id!r}.") from exc
        ids = SupplierAccount.objects.filter(supplier="cj").values_list("merchant_id", flat=True)
        return list(Merchant.objects.filter(pk__in=ids).order_by("name"))

    def _product_ids(self, merchant: Merchant, wanted: list[str]) -> list[str]:
        by_id = Q(external_id__in=wanted)
        uuids = [w for w in wanted if len(w) == 36]
        if uuids:
            by_id |= Q(pk__in=uuids)
        found = list(Product.objects.for_merchant(merchant).filter(by_id).values_list("pk", flat=True))
        if not found:
            raise CommandError("None of those products is in this merchant's catalog.")
        return [str(pk) for pk in found]
