from django.apps import AppConfig


class InventoryConfig(AppConfig):
    name = "inventory"
    verbose_name = "Inventory"

    def ready(self) -> None:
        from nexusone.accounts.actions import PLAN_CHANGE_HOOKS
        from nexusone.core.management.commands.seed_demo import SEED_HOOKS

        from . import actions, demo

        if actions.on_plan_changed not in PLAN_CHANGE_HOOKS:
            PLAN_CHANGE_HOOKS.append(actions.on_plan_changed)
        if demo.seed_inventory not in SEED_HOOKS:
            SEED_HOOKS.append(demo.seed_inventory)
