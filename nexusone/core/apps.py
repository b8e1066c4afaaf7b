from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "nexusone.core"
    label = "core"
    verbose_name = "Core"

    def ready(self) -> None:
        from . import signals  # noqa: F401  (celery beat liveness hook)
