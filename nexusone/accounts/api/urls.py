from django.urls import re_path

from . import views

urlpatterns = [
    re_path(r"^auth/token/?$", views.TokenView.as_view(), name="token_obtain"),
    re_path(r"^auth/token/refresh/?$", views.TokenRefresh.as_view(), name="token_refresh"),
    re_path(r"^merchant/?$", views.MerchantView.as_view(), name="merchant"),
    re_path(r"^merchant/plan/?$", views.PlanChangeView.as_view(), name="merchant_plan"),
    re_path(r"^audit-events/?$", views.AuditEventListView.as_view(), name="audit_events"),
    re_path(r"^billing/stripe/webhook/?$", views.StripeWebhookView.as_view(), name="stripe_webhook"),
]
