from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "nexusone.notifications"
    label = "notifications"
    verbose_name = "Notifications"
