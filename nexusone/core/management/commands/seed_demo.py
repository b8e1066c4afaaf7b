import json

from django.conf import settings

from nexusone.accounts.actions import create_merchant
from nexusone.accounts.choices import Plan
from nexusone.core.management.tenant import TenantCommand

DEMO_EMAIL = "demo@nexusone.local"
DEMO_PASSWORD = "demo-pass-2026"


class Command(TenantCommand):
    bypass_reason = "creates or refreshes the demo store"
    help = "Create (or refresh) the demo merchant, connected to the CJ sandbox; prints the login."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--plan", default=Plan.PREMIUM)

    def handle(self, *args, **opts) -> None:
        setup = create_merchant(name="Demo Store", email=DEMO_EMAIL, password=DEMO_PASSWORD, plan=opts["plan"])
        for hook in SEED_HOOKS:  # the first, the suppliers app's, connects the demo to the CJ sandbox
            hook(setup.merchant, self.stdout)
        self.stdout.write(json.dumps({"merchant_id": str(setup.merchant.pk), "email": DEMO_EMAIL}))
        self.stdout.write(
            self.style.SUCCESS(f"Demo login: {DEMO_EMAIL} / {DEMO_PASSWORD}  at {settings.SITE_URL}/accounts/login/")
        )


SEED_HOOKS: list = []
"""Callables (merchant, stdout) apps add to grow the demo (catalog, orders...)."""
