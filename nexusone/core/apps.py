from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "nexusone.core"
    label = "core"
    verbose_name = "Core"

    def ready(self) -> None:
        from . import checks, queues, schema, signals  # noqa: F401  (system checks; queue stamps; JWT scheme; beat hook)
