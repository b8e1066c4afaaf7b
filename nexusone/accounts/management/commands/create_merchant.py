import json

from django.core.exceptions import ValidationError
from django.core.management.base import CommandError

from nexusone.accounts.actions import create_merchant
from nexusone.accounts.choices import Plan
from nexusone.core.management.tenant import TenantCommand


class Command(TenantCommand):
    bypass_reason = "creates a store with its owner"
    help = "Create a merchant with an owner (idempotent on email); prints JSON with the ids."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--name", required=True)
        parser.add_argument("--email", required=True)
        parser.add_argument("--password", required=True)
        parser.add_argument("--plan", default=Plan.FREE, help="free, pro or premium")
        parser.add_argument("--cj-api-key", default=None)

    def handle(self, *args, **opts) -> None:
        try:
            setup = create_merchant(
                name=opts["name"],
                email=opts["email"],
                password=opts["password"],
                plan=opts["plan"],
                cj_api_key=opts["cj_api_key"],
            )
        except ValidationError as exc:
            details = "; ".join(f"{field}: {' '.join(msgs)}" for field, msgs in exc.message_dict.items())
            raise CommandError(details) from exc
        self.stdout.write(
            json.dumps(
                {
                    "merchant_id": str(setup.merchant.pk),
                    "user_id": str(setup.user.pk),
                    "email": setup.user.email,
                    "plan": setup.merchant.plan,
                    "created": setup.created,
                }
            )
        )
