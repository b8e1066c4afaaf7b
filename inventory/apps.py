from django.apps import AppConfig


class InventoryConfig(AppConfig):
    name = "inventory"
    verbose_name = "Inventory"

    def ready(self) -> None:
        from nexusone.accounts.actions import PLAN_CHANGE_HOOKS
        from nexusone.core.management.commands.seed_demo import SEED_HOOKS
        from nexusone.suppliers import inbox

        from . import actions, demo

        if actions.on_plan_changed not in PLAN_CHANGE_HOOKS:
            PLAN_CHANGE_HOOKS.append(actions.on_plan_changed)
        if demo.seed_inventory not in SEED_HOOKS:
            SEED_HOOKS.append(demo.seed_inventory)
        # Catalog news concerns every store on the CJ account that carries the product.
        inbox.register_topic_handler(
            ("product", "variant", "stock"), actions.apply_supplier_stock_event, every_store=True
        )
