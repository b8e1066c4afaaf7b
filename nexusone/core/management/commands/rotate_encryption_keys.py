from django.apps import apps
from django.db import transaction

from nexusone.core.fields import EncryptedTextField
from nexusone.core.management.tenant import TenantCommand


class Command(TenantCommand):
    bypass_reason = "re-encrypts every store's secrets"
    help = "Re-encrypt every encrypted field with the first key in FIELD_ENCRYPTION_KEYS."

    def handle(self, *args, **opts) -> None:
        total = 0
        for model in apps.get_models():
            fields = [f for f in model._meta.fields if isinstance(f, EncryptedTextField)]
            if not fields:
                continue
            names = [f.attname for f in fields]
            with transaction.atomic():
                for pk, *values in model._base_manager.values_list("pk", *names).iterator():
                    # values_list decrypts; re-saving via update() encrypts with the first key.
                    model._base_manager.filter(pk=pk).update(**dict(zip(names, values, strict=True)))
                    total += 1
            self.stdout.write(f"{model._meta.label}: re-encrypted {', '.join(names)}")
        self.stdout.write(self.style.SUCCESS(f"Rotated {total} rows."))
