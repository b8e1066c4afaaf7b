import json

from django.core.exceptions import ValidationError
from django.core.management.base import CommandError

from imports import actions
from imports.choices import ImportSource
from nexusone.accounts.models import Merchant
from nexusone.core.management.tenant import TenantCommand


class Command(TenantCommand):
    bypass_reason = "imports into the store given"
    help = "Import CJ products (URLs or product IDs) into a merchant's catalog and wait for the result."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--merchant", required=True, help="merchant id")
        parser.add_argument("inputs", nargs="+", help="CJ product URLs or product IDs")
        parser.add_argument("--markup-type", choices=["percent", "fixed", "multiplier"])
        parser.add_argument("--markup-value")
        parser.add_argument("--category", default="")
        parser.add_argument("--tags", default="", help="comma separated")

    def handle(self, *args, **opts) -> None:
        try:
            merchant = Merchant.objects.get(pk=opts["merchant"])
        except (Merchant.DoesNotExist, ValidationError):
            raise CommandError(f"No merchant {opts['merchant']}") from None
        markup = {"type": opts["markup_type"], "value": opts["markup_value"]} if opts["markup_type"] else None
        source = ImportSource.URL if any("/" in i for i in opts["inputs"]) else ImportSource.IDS
        try:
            job = actions.start_import(
                merchant,
                source=source,
                inputs=" ".join(opts["inputs"]),  # text: each argument may hold several, as pasted
                markup=markup,
                category=opts["category"],
                tags=[t for t in opts["tags"].split(",") if t.strip()],
                dispatch=False,  # run here, not in a worker
            )
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from None
        except actions.SupplierNotConnected as exc:
            raise CommandError(str(exc.detail)) from None
        job = actions.run_import_job(job.pk)
        for item in job.items.order_by("position"):
            self.stdout.write(f"{item.status:<10} {item.pid or '-':<40} {item.error or item.input}")
        counts = {k: getattr(job, k) for k in ("requested", "imported", "duplicates", "invalid", "not_found")}
        counts.update(plan_limit=job.plan_limit, failed=job.failed)
        self.stdout.write(json.dumps({"job_id": str(job.pk), "status": job.status, **counts}))
