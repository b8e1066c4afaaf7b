from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "nexusone.accounts"
    label = "accounts"
    verbose_name = "Accounts"
