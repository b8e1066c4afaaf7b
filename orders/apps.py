from django.apps import AppConfig


class OrdersConfig(AppConfig):
    name = "orders"
    verbose_name = "Orders"

    def ready(self) -> None:
        from nexusone.suppliers import inbox

        from .actions import webhooks

        inbox.register_topic_handler(webhooks.ORDER_TOPICS, webhooks.apply_order_event)
        inbox.register_topic_handler(webhooks.LOGISTIC_TOPICS, webhooks.apply_logistic_event)
