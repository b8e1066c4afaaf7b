from django.apps import AppConfig


class ExtensionAuthConfig(AppConfig):
    name = "extension_auth"
    verbose_name = "Extension sessions"
