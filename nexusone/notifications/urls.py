from django.urls import path

from . import views

app_name = "notifications"

urlpatterns = [
    path("", views.index, name="index"),
    path("badge/", views.badge, name="badge"),
    path("<uuid:notification_id>/read/", views.read, name="read"),
    path("read-all/", views.read_all, name="read_all"),
    path("preferences/", views.preferences, name="preferences"),
    path("webhooks/", views.endpoints, name="webhooks"),
    path("webhooks/<uuid:endpoint_id>/", views.endpoint_detail, name="webhook"),
    path("webhooks/deliveries/<uuid:delivery_id>/redeliver/", views.redeliver, name="redeliver"),
]
