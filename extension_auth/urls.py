from django.urls import path

from . import views

app_name = "extension_auth"

urlpatterns = [
    path("", views.index, name="index"),
    path("download/", views.download, name="download"),
    path("sessions/<uuid:session_id>/revoke/", views.revoke, name="revoke"),
    path("sessions/revoke-all/", views.revoke_all, name="revoke_all"),
]
