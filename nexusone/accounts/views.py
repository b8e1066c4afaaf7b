from __future__ import annotations

from django.conf import settings as django_settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from nexusone.core.access import require_owner, require_write
from nexusone.core.audit import client_ip
from nexusone.core.forms import apply_validation_error
from nexusone.core.pagination import paginate
from nexusone.core.tenancy import SESSION_KEY

from . import actions, deletion, erasure, exports, invitations, login_limits, verification
from .billing import BillingUnavailable, get_billing_provider
from .choices import Plan
from .filters import AuditEventFilter, audit_events_for
from .forms import (
    AcceptInvitationForm,
    EmailAuthenticationForm,
    EraseCustomerForm,
    MemberForm,
    MerchantForm,
    PlanForm,
    SignUpForm,
)
from .models import DataExport, Invitation, Membership, Merchant, User
from .plans import plan_comparison


class LoginView(auth_views.LoginView):
    """The login form, with failed sign-ins limited per account and per IP address (login_limits)."""

    template_name = "accounts/login.html"
    authentication_form = EmailAuthenticationForm

    def post(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        email = request.POST.get("username", "")
        wait = login_limits.login_wait(email, client_ip(request))
        if wait is None:
            return super().post(request, *args, **kwargs)
        form = self.authentication_form(request, initial={"username": email})  # unbound: the password is not tried
        context = self.get_context_data(form=form, login_wait_message=login_limits.too_many_attempts_message(wait))
        response = self.render_to_response(context, status=429)
        response["Retry-After"] = str(wait)
        return response

    def form_valid(self, form: EmailAuthenticationForm) -> HttpResponse:
        login_limits.record_successful_login(form.cleaned_data["username"])
        return super().form_valid(form)

    def form_invalid(self, form: EmailAuthenticationForm) -> HttpResponse:
        login_limits.record_failed_login(self.request.POST.get("username", ""), client_ip(self.request))
        return super().form_invalid(form)


def signup(request: HttpRequest) -> HttpResponse:
    form = SignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            setup = actions.sign_up(**form.cleaned_data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            login(request, setup.user, backend="nexusone.accounts.backends.EmailBackend")
            request.session[SESSION_KEY] = str(setup.merchant.pk)
            messages.success(
                request,
                f"Welcome to NexusOne, {setup.merchant.name}! We emailed a link to {setup.user.email}: "
                "open it to confirm your address, then connect CJ in Settings.",
            )
            return redirect("core:dashboard")
    return render(request, "accounts/signup.html", {"form": form})


@login_required
@require_POST
def switch_merchant(request: HttpRequest) -> HttpResponse:
    membership = get_object_or_404(Membership, user=request.user, merchant_id=request.POST.get("merchant_id"))
    request.session[SESSION_KEY] = str(membership.merchant_id)
    messages.info(request, f"Now working in {membership.merchant.name}.")
    return redirect("core:dashboard")


@login_required
def settings_page(request: HttpRequest) -> HttpResponse:
    if request.merchant is None:
        return render(request, "core/no_merchant.html", status=403)
    merchant_form = MerchantForm(initial={"name": request.merchant.name, "timezone": request.merchant.timezone})
    member_form = MemberForm()
    if request.method == "POST":
        require_write(request, "change settings")
        merchant_form = MerchantForm(request.POST)
        if merchant_form.is_valid():
            try:
                data = merchant_form.cleaned_data
                actions.rename_merchant(request.merchant, data["name"], by=request.user, request=request)
                if data["timezone"]:
                    actions.set_store_timezone(request.merchant, data["timezone"], by=request.user, request=request)
            except ValidationError as exc:
                apply_validation_error(merchant_form, exc)
            else:
                messages.success(request, "Store settings saved.")
                return redirect("accounts:settings")
    context = {
        "merchant_form": merchant_form,
        "member_form": member_form,
        "members": Membership.objects.filter(merchant=request.merchant).select_related("user").order_by("created_at"),
        "other_memberships": Membership.objects.filter(user=request.user).select_related("merchant"),
        "invitations": Invitation.objects.for_merchant(request.merchant).filter(
            accepted_at__isnull=True, revoked_at__isnull=True
        ),
        "settings_sections": settings_sections(request),
        **(_exports_context(request) if request.membership and request.membership.is_owner else {}),
    }
    return render(request, "accounts/settings.html", context)


def settings_sections(request: HttpRequest) -> list[str]:
    """Templates other apps add to the settings page (e.g. the CJ connection)."""
    from django.template.loader import select_template

    names = []
    for name in (
        "suppliers/_settings_section.html",
        "inventory/_settings_section.html",
        "notifications/_settings_section.html",
    ):
        try:
            select_template([name])
        except Exception:  # noqa: BLE001,S112 - the app has no section (yet)
            continue
        names.append(name)
    return names


@login_required
@require_POST
def member_add(request: HttpRequest) -> HttpResponse:
    """Invite someone by email to a role; they join through the link in the email."""
    require_owner(request, "manage members")
    form = MemberForm(request.POST)
    if form.is_valid():
        try:
            invitations.invite_member(request.merchant, by=request.user, request=request, **form.cleaned_data)
            messages.success(request, f"Invitation sent to {form.cleaned_data['email']}.")
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
    else:
        messages.error(request, "; ".join(f"{field}: {' '.join(errs)}" for field, errs in form.errors.items()))
    return redirect("accounts:settings")


@login_required
@require_POST
def invitation_update(request: HttpRequest, invitation_id: str) -> HttpResponse:
    """Resend or withdraw an open invitation (owner)."""
    require_owner(request, "manage members")
    invitation = get_object_or_404(Invitation.objects.for_merchant(request.merchant), pk=invitation_id)
    try:
        if request.POST.get("revoke"):
            invitations.revoke_invitation(invitation, by=request.user, request=request)
            messages.success(request, f"Invitation to {invitation.email} withdrawn; its link no longer works.")
        else:
            invitations.resend_invitation(invitation, by=request.user, request=request)
            messages.success(request, f"Invitation sent again to {invitation.email}; earlier links no longer work.")
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("accounts:settings")


def accept_invitation(request: HttpRequest, token: str) -> HttpResponse:
    """The link in an invitation email: join as the signed-in user, or create an account with a password."""
    try:
        invitation = invitations.open_invitation(token)
    except invitations.InvitationInvalid as exc:
        return render(request, "accounts/invitation.html", {"error": " ".join(exc.messages)}, status=400)
    form = AcceptInvitationForm(request.POST if request.method == "POST" else None)
    needs_password = not request.user.is_authenticated
    if request.method == "POST" and form.is_valid():
        try:
            membership = invitations.accept_invitation(
                token,
                user=request.user if request.user.is_authenticated else None,
                password=form.cleaned_data["password"] if needs_password else "",
                request=request,
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            if needs_password:
                login(request, membership.user, backend="nexusone.accounts.backends.EmailBackend")
            request.session[SESSION_KEY] = str(membership.merchant_id)
            messages.success(request, f"You joined {membership.merchant.name} as {membership.get_role_display()}.")
            return redirect("core:dashboard")
    context = {
        "invitation": invitation,
        "form": form,
        "needs_password": needs_password,
        "account_exists": needs_password and User.objects.filter(email=invitation.email).exists(),
        "wrong_user": request.user.is_authenticated and request.user.email != invitation.email,
    }
    return render(request, "accounts/invitation.html", context)


def verify_email(request: HttpRequest, token: str) -> HttpResponse:
    """The link in the confirmation email."""
    try:
        user = verification.verify_email(token)
    except verification.VerificationLinkInvalid as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"Thank you: {user.email} is confirmed. You can connect CJ and import now.")
    return redirect("core:dashboard" if request.user.is_authenticated else "accounts:login")


@login_required
@require_POST
def resend_verification(request: HttpRequest) -> HttpResponse:
    if request.user.email_verified_at is not None:
        messages.info(request, "Your email address is confirmed already.")
    elif cache.add(f"verify-email-sent:{request.user.pk}", 1, timeout=60):
        verification.send_verification_email(request.user)
        messages.success(request, f"We sent a new confirmation link to {request.user.email}.")
    else:
        messages.info(request, "We sent a link less than a minute ago; check your inbox and spam folder.")
    back = request.POST.get("next", "")
    safe = url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}, require_https=request.is_secure())
    return redirect(back if back and safe else "core:dashboard")


@login_required
@require_POST
def member_update(request: HttpRequest, membership_id: str) -> HttpResponse:
    require_owner(request, "manage members")
    membership = get_object_or_404(Membership, pk=membership_id, merchant=request.merchant)
    try:
        if request.POST.get("remove"):
            actions.remove_member(membership, by=request.user)
            messages.success(request, "Member removed.")
        else:
            actions.change_role(membership, request.POST.get("role", ""), by=request.user)
            messages.success(request, "Role changed.")
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("accounts:settings")


CHECKOUT_MESSAGES = {
    "success": "Payment received. Your plan changes as soon as Stripe confirms it, usually within seconds.",
    "cancelled": "Checkout was cancelled; your plan is unchanged.",
}


@login_required
def plan_page(request: HttpRequest) -> HttpResponse:
    """Settings → Plan: the three plans compared, the current one, and how far the catalog is over its limit."""
    if request.merchant is None:
        return render(request, "core/no_merchant.html", status=403)
    if request.GET.get("checkout") in CHECKOUT_MESSAGES:
        messages.info(request, CHECKOUT_MESSAGES[request.GET["checkout"]])
    form = PlanForm(request.POST or None, initial={"plan": request.merchant.plan})
    if request.method == "POST":
        require_owner(request, "change the plan")
        if form.is_valid():
            return _request_plan_change(request, form.cleaned_data["plan"])
    provider = get_billing_provider()
    over = actions.products_over_limit(request.merchant)
    context = {
        "form": form,
        "plans": plan_comparison(),
        "over_limit_message": _over_limit_message(request.merchant, over) if over else "",
        "billing_provider": provider.name,
        "can_manage_billing": provider.name != "manual",
    }
    return render(request, "accounts/plan.html", context)


def _request_plan_change(request: HttpRequest, plan: str) -> HttpResponse:
    merchant = request.merchant
    try:
        result = get_billing_provider().request_plan_change(
            merchant, plan, by=request.user, request=request, return_url=_plan_url(request)
        )
    except (ValidationError, BillingUnavailable) as exc:
        messages.error(request, " ".join(getattr(exc, "messages", None) or [str(exc.detail)]))
        return redirect("accounts:plan")
    if not result.applied:
        return redirect(result.redirect_url)
    messages.success(request, f"Your store is now on the {Plan(merchant.plan).label} plan.")
    return redirect("accounts:plan")  # the page says how far the catalog is over the new limit


def _over_limit_message(merchant: Merchant, over: int) -> str:
    return (
        f"Your catalog is {over} product{'s' if over != 1 else ''} over the {Plan(merchant.plan).label} limit "
        f"of {merchant.capabilities.product_limit}. Nothing was deleted or hidden, but imports are paused until "
        "you remove products or upgrade."
    )


@login_required
@require_POST
def manage_billing(request: HttpRequest) -> HttpResponse:
    """The provider's billing page (Stripe's Customer Portal): card, invoices, cancellation."""
    require_owner(request, "manage billing")
    try:
        url = get_billing_provider().manage_billing_url(request.merchant, return_url=_plan_url(request))
    except BillingUnavailable as exc:
        messages.error(request, str(exc.detail))
        url = None
    if not url:
        messages.info(request, "There is no subscription to manage yet.")
        return redirect("accounts:plan")
    return redirect(url)


def _plan_url(request: HttpRequest) -> str:
    return request.build_absolute_uri(reverse("accounts:plan"))


@login_required
def audit_trail(request: HttpRequest) -> HttpResponse:
    """Settings → Audit trail (owner): who did what, from which IP; filter by action and person."""
    require_owner(request, "read the audit trail")
    events = audit_events_for(request.merchant)
    filterset = AuditEventFilter(request.GET or None, queryset=events)
    if filterset.is_bound and filterset.is_valid():
        events = filterset.qs
    context = {
        "page": paginate(request, events),
        "filter": filterset,
        "actions": sorted(set(audit_events_for(request.merchant).values_list("action", flat=True).distinct())),
        "people": Membership.objects.filter(merchant=request.merchant).select_related("user").order_by("user__email"),
    }
    return render(request, "accounts/audit.html", context)


def _exports_context(request: HttpRequest) -> dict:
    recent = list(DataExport.objects.for_merchant(request.merchant)[:5])
    return {
        "exports": recent,
        "exports_running": any(e.status in exports.ACTIVE for e in recent),
        "export_link_hours": django_settings.EXPORT_LINK_HOURS,
        "now": timezone.now(),
    }


@login_required
def exports_panel(request: HttpRequest) -> HttpResponse:
    """Settings → Your data: start an export (POST); the panel refreshes itself while one runs."""
    require_owner(request, "export the store's data")
    if request.method == "POST":
        exports.start_export(request.merchant, by=request.user, request=request)
        messages.success(request, "Export started; the download link appears here when it is ready.")
        return redirect(f"{reverse('accounts:settings')}#exports")
    return render(request, "accounts/_exports.html", _exports_context(request))


@login_required
@require_POST
def erase_customer(request: HttpRequest) -> HttpResponse:
    """Settings → Customer privacy: erase one customer's personal data (owner or manager)."""
    require_write(request, "erase customer data")
    form = EraseCustomerForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(form.errors.get("email", [])) or "Enter the customer's email address.")
        return redirect("accounts:settings")
    result = erasure.erase_customer(request.merchant, form.cleaned_data["email"], by=request.user, request=request)
    if result.orders:
        messages.success(
            request,
            f"Erased the customer's personal data from {result.orders} order(s) and {result.rows_scrubbed} "
            f"record(s); amounts and the ledger are unchanged. {result.note}",
        )
    else:
        messages.info(request, "No order of this store has that email address; nothing was erased.")
    return redirect("accounts:settings")


@login_required
@require_POST
def delete_store(request: HttpRequest) -> HttpResponse:
    """Settings → Delete this store (owner, typing the name); or cancel during the grace period."""
    require_owner(request, "delete the store")
    if request.POST.get("cancel"):
        deletion.cancel_store_deletion(request.merchant, by=request.user, request=request)
        messages.success(request, "The store will not be deleted. Reconnect CJ in Settings to resume syncing.")
        return redirect("accounts:settings")
    try:
        merchant = deletion.request_store_deletion(
            request.merchant, confirmation=request.POST.get("confirmation", ""), by=request.user, request=request
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("accounts:settings")
    messages.warning(
        request,
        f"{merchant.name} will be erased on {merchant.deletion_scheduled_for:%d %b %Y}. Everyone else was signed out "
        "and CJ was disconnected. Changed your mind? Cancel the deletion below before then.",
    )
    return redirect("accounts:settings")
