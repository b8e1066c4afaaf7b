from nexusone.core.routers import OptionalSlashRouter

from .views import NotificationViewSet

router = OptionalSlashRouter()
router.register("notifications", NotificationViewSet, basename="notification")
urlpatterns = router.urls
