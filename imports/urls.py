from django.urls import path

from . import views

app_name = "imports"

urlpatterns = [
    path("", views.index, name="index"),
    path("jobs/", views.history, name="history"),
    path("jobs/<uuid:job_id>/", views.job_detail, name="job"),
    path("catalog/", views.catalog, name="catalog"),
]
