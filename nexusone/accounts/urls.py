from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from . import views

app_name = "accounts"

urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("signup/", views.signup, name="signup"),
    path(
        "password-reset/",
        auth_views.PasswordResetView.as_view(
            template_name="accounts/password_reset.html",
            email_template_name="accounts/password_reset_email.txt",
            success_url=reverse_lazy("accounts:password_reset_done"),
        ),
        name="password_reset",
    ),
    path(
        "password-reset/sent/",
        auth_views.PasswordResetDoneView.as_view(template_name="accounts/password_reset_done.html"),
        name="password_reset_done",
    ),
    path(
        "reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(
            template_name="accounts/password_reset_confirm.html",
            success_url=reverse_lazy("accounts:password_reset_complete"),
        ),
        name="password_reset_confirm",
    ),
    path(
        "reset/done/",
        auth_views.PasswordResetCompleteView.as_view(template_name="accounts/password_reset_complete.html"),
        name="password_reset_complete",
    ),
    path("settings/", views.settings_page, name="settings"),
    path("settings/plan/", views.plan_page, name="plan"),
    path("settings/plan/billing/", views.manage_billing, name="manage_billing"),
    path("settings/audit/", views.audit_trail, name="audit"),
    path("settings/export/", views.exports_panel, name="exports"),
    path("settings/erase-customer/", views.erase_customer, name="erase_customer"),
    path("settings/delete-store/", views.delete_store, name="delete_store"),
    path("settings/members/", views.member_add, name="member_add"),
    path("settings/members/<uuid:membership_id>/", views.member_update, name="member_update"),
    path("settings/invitations/<uuid:invitation_id>/", views.invitation_update, name="invitation_update"),
    path("invitations/<str:token>/", views.accept_invitation, name="invitation"),
    path("verify-email/resend/", views.resend_verification, name="resend_verification"),
    path("verify-email/<str:token>/", views.verify_email, name="verify_email"),
    path("switch/", views.switch_merchant, name="switch_merchant"),
]
