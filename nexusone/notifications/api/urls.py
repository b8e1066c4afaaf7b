from django.urls import re_path

from nexusone.core.routers import OptionalSlashRouter

from .views import NotificationViewSet, PreferencesView, RedeliverView, WebhookEndpointViewSet

UUID = r"(?P<pk>[0-9a-fA-F-]{36})"

router = OptionalSlashRouter()
router.register("notifications", NotificationViewSet, basename="notification")
router.register("webhook-endpoints", WebhookEndpointViewSet, basename="webhook-endpoint")
urlpatterns = [
    re_path(r"^notifications/preferences/?$", PreferencesView.as_view(), name="notification_preferences"),
    re_path(rf"^webhook-deliveries/{UUID}/redeliver/?$", RedeliverView.as_view(), name="webhook_redeliver"),
    *router.urls,
]
