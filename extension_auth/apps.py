from django.apps import AppConfig


class ExtensionAuthConfig(AppConfig):
    name = "extension_auth"
    verbose_name = "Extension sessions"

    def ready(self) -> None:
        from nexusone.accounts.actions import PLAN_CHANGE_HOOKS

        from . import schema  # noqa: F401  (registers the OpenAPI scheme of extension tokens)
        from .actions import revoke_sessions_when_plan_loses_extension

        if revoke_sessions_when_plan_loses_extension not in PLAN_CHANGE_HOOKS:
            PLAN_CHANGE_HOOKS.append(revoke_sessions_when_plan_loses_extension)
