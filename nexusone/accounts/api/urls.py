from django.urls import re_path

from . import views

urlpatterns = [
    re_path(r"^auth/token/?$", views.TokenView.as_view(), name="token_obtain"),
    re_path(r"^auth/token/refresh/?$", views.TokenRefresh.as_view(), name="token_refresh"),
    re_path(r"^merchant/?$", views.MerchantView.as_view(), name="merchant"),
    re_path(r"^merchant/plan/?$", views.PlanChangeView.as_view(), name="merchant_plan"),
    re_path(r"^merchant/export/?$", views.DataExportCreateView.as_view(), name="merchant_export"),
    re_path(
        r"^merchant/export/(?P<pk>[0-9a-f-]{36})/?$", views.DataExportView.as_view(), name="merchant_export_detail"
    ),
    re_path(
        r"^merchant/export/(?P<pk>[0-9a-f-]{36})/download/?$",
        views.DataExportDownloadView.as_view(),
        name="merchant_export_download",
    ),
    re_path(r"^customers/erase/?$", views.EraseCustomerView.as_view(), name="customer_erase"),
    re_path(r"^audit-events/?$", views.AuditEventListView.as_view(), name="audit_events"),
    re_path(r"^billing/stripe/webhook/?$", views.StripeWebhookView.as_view(), name="stripe_webhook"),
]
