from django.apps import AppConfig


class AnalyticsConfig(AppConfig):
    name = "analytics"
    verbose_name = "Analytics"

    def ready(self) -> None:
        from nexusone.accounts.actions import TIMEZONE_CHANGE_HOOKS

        from .tasks import queue_rebuild

        if queue_rebuild not in TIMEZONE_CHANGE_HOOKS:
            TIMEZONE_CHANGE_HOOKS.append(queue_rebuild)
