from django.apps import AppConfig


class SuppliersConfig(AppConfig):
    name = "nexusone.suppliers"
    label = "suppliers"
    verbose_name = "Suppliers"

    def ready(self) -> None:
        from nexusone.core.management.commands.seed_demo import SEED_HOOKS

        from .actions import seed_demo_connection

        if seed_demo_connection not in SEED_HOOKS:
            SEED_HOOKS.append(seed_demo_connection)
