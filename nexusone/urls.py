from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from nexusone.core import streams
from nexusone.core import views as core_views

api_patterns = [
    path("", include("nexusone.accounts.api.urls")),
    path("", include("inventory.api.urls")),
    path("", include("orders.api.urls")),
    path("", include("nexusone.suppliers.api.urls")),
    path("", include("imports.api.urls")),
    path("", include("extension_auth.api.urls")),
    path("", include("nexusone.notifications.api.urls")),
    path("", include("analytics.api.urls")),
    re_path(r"^schema/?$", SpectacularAPIView.as_view(), name="schema"),
    re_path(r"^docs/?$", SpectacularSwaggerView.as_view(url_name="schema"), name="docs"),
]

urlpatterns = [
    re_path(r"^health/?$", core_views.health, name="health"),
    re_path(r"^health/ready/?$", core_views.health_ready, name="health_ready"),
    re_path(r"^events/stream/?$", streams.event_stream, name="event_stream"),
    path("admin/", admin.site.urls),
    path("api/", include(api_patterns)),
    path("accounts/", include("nexusone.accounts.urls")),
    path("settings/cj/", include("nexusone.suppliers.urls")),
    path("inventory/", include("inventory.urls")),
    path("orders/", include("orders.urls")),
    path("imports/", include("imports.urls")),
    path("extension/", include("extension_auth.urls")),
    path("notifications/", include("nexusone.notifications.urls")),
    path("", include("analytics.urls")),
    path("", include("nexusone.core.urls")),
]

if settings.CJ_SANDBOX_ENABLED:
    urlpatterns.insert(0, path("sandbox/cj/", include("nexusone.suppliers.cj.sandbox.urls")))

handler400 = "nexusone.core.errors.bad_request"
handler404 = "nexusone.core.errors.not_found"
handler500 = "nexusone.core.errors.server_error"
