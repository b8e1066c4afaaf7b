from django.apps import AppConfig


class SuppliersConfig(AppConfig):
    name = "nexusone.suppliers"
    label = "suppliers"
    verbose_name = "Suppliers"
