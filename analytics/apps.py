from django.apps import AppConfig


class AnalyticsConfig(AppConfig):
    name = "analytics"
    verbose_name = "Analytics"

    def ready(self) -> None:
        from nexusone.accounts.actions import TIMEZONE_CHANGE_HOOKS
        from orders.actions.status import ORDER_CHANGE_HOOKS

        from .actions import order_changed
        from .tasks import queue_rebuild

        if queue_rebuild not in TIMEZONE_CHANGE_HOOKS:
            TIMEZONE_CHANGE_HOOKS.append(queue_rebuild)
        if order_changed not in ORDER_CHANGE_HOOKS:
            ORDER_CHANGE_HOOKS.append(order_changed)
