from django.urls import path

from . import views

app_name = "core"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
]
urlpatterns += [
    path("notifications/", views.notifications, name="notifications"),
    path("notifications/<uuid:notification_id>/read/", views.notification_read, name="notification_read"),
]
