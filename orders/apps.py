from django.apps import AppConfig


class OrdersConfig(AppConfig):
    name = "orders"
    verbose_name = "Orders"

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from nexusone.suppliers.models import SupplierAccount

        from . import actions

        # Cache invalidation only: the webhook receiver keeps signing keys in-process.
        post_save.connect(actions.forget_webhook_accounts, sender=SupplierAccount, dispatch_uid="orders-webhook-keys")
        post_delete.connect(
            actions.forget_webhook_accounts, sender=SupplierAccount, dispatch_uid="orders-webhook-keys-d"
        )
