"""The project's URLs with the sandbox mounted in-process, as `CJ_SANDBOX_ENABLED` does."""

from django.urls import include, path

from nexusone.urls import urlpatterns as project_urlpatterns

urlpatterns = [path("sandbox/cj/", include("nexusone.suppliers.cj.sandbox.urls")), *project_urlpatterns]
