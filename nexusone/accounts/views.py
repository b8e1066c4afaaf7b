from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from nexusone.core.access import require_owner, require_write
from nexusone.core.forms import apply_validation_error
from nexusone.core.tenancy import SESSION_KEY

from . import actions
from .billing import BillingUnavailable, get_billing_provider
from .choices import Plan
from .forms import MemberForm, MerchantForm, PlanForm, SignUpForm
from .models import Membership, Merchant
from .plans import plan_comparison


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
            messages.success(request, f"Welcome to NexusOne, {setup.merchant.name}! Connect CJ in Settings next.")
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
    merchant_form = MerchantForm(instance=request.merchant)
    member_form = MemberForm()
    if request.method == "POST":
        require_write(request, "change settings")
        merchant_form = MerchantForm(request.POST, instance=request.merchant)
        if merchant_form.is_valid():
            merchant_form.save()
            messages.success(request, "Store settings saved.")
            return redirect("accounts:settings")
    context = {
        "merchant_form": merchant_form,
        "member_form": member_form,
        "members": Membership.objects.filter(merchant=request.merchant).select_related("user").order_by("created_at"),
        "other_memberships": Membership.objects.filter(user=request.user).select_related("merchant"),
        "settings_sections": settings_sections(request),
    }
    return render(request, "accounts/settings.html", context)


def settings_sections(request: HttpRequest) -> list[str]:
    """Templates other apps add to the settings page (e.g. the CJ connection)."""
    from django.template.loader import select_template

    names = []
    for name in ("suppliers/_settings_section.html", "inventory/_settings_section.html"):
        try:
            select_template([name])
        except Exception:  # noqa: BLE001,S112 - the app has no section (yet)
            continue
        names.append(name)
    return names


@login_required
@require_POST
def member_add(request: HttpRequest) -> HttpResponse:
    require_owner(request, "manage members")
    form = MemberForm(request.POST)
    if form.is_valid():
        try:
            actions.add_member(request.merchant, by=request.user, **form.cleaned_data)
            messages.success(request, f"{form.cleaned_data['email']} added.")
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
    else:
        messages.error(request, "; ".join(f"{field}: {' '.join(errs)}" for field, errs in form.errors.items()))
    return redirect("accounts:settings")


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
    from django.urls import reverse

    return request.build_absolute_uri(reverse("accounts:plan"))
