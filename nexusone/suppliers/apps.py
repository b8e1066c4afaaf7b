from django.apps import AppConfig


class SuppliersConfig(AppConfig):
    name = "nexusone.suppliers"
    label = "suppliers"
    verbose_name = "Suppliers"

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from nexusone.core.management.commands.seed_demo import SEED_HOOKS

        from .actions import seed_demo_connection
        from .inbox import forget_webhook_accounts
        from .models import SupplierAccount

        # Cache invalidation only: the webhook receiver keeps signing keys in-process.
        post_save.connect(forget_webhook_accounts, sender=SupplierAccount, dispatch_uid="supplier-webhook-keys")
        post_delete.connect(forget_webhook_accounts, sender=SupplierAccount, dispatch_uid="supplier-webhook-keys-d")

        if seed_demo_connection not in SEED_HOOKS:
            SEED_HOOKS.append(seed_demo_connection)
