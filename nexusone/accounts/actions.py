"""Business operations on merchants, users and memberships."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.apps import apps
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from nexusone.core.audit import record_event
from nexusone.core.tenancy import merchant_context

from .choices import Plan, Role
from .models import Membership, Merchant, User, validate_timezone
from .plans import capabilities


@dataclass(frozen=True)
class MerchantSetup:
    merchant: Merchant
    user: User
    created: bool


def _clean_email(email: str) -> str:
    email = (email or "").strip().lower()
    try:
        validate_email(email)
    except ValidationError as exc:
        raise ValidationError({"email": f"{email!r} is not a valid email address."}) from exc
    return email


def _clean_name(name: str) -> str:
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": "A store name is required."})
    limit = Merchant._meta.get_field("name").max_length
    if len(name) > limit:
        raise ValidationError({"name": f"Keep the store name to {limit} characters."})
    return name


def _clean_plan(plan: str) -> str:
    if plan not in Plan.values:
        raise ValidationError({"plan": f"Unknown plan {plan!r}; choose one of {', '.join(Plan.values)}."})
    return plan


@transaction.atomic
def create_merchant(
    *,
    name: str,
    email: str,
    password: str,
    plan: str = Plan.FREE,
    cj_api_key: str | None = None,
    email_verified: bool = True,
) -> MerchantSetup:
    """Create a merchant with an owner, or return the one the email already owns (idempotent).

    Staff and the demo vouch for the address (`email_verified`); self-service sign-up does not."""
    email, plan, name = _clean_email(email), _clean_plan(plan), _clean_name(name)
    existing = Membership.objects.filter(user__email=email, role=Role.OWNER).select_related("merchant", "user")
    membership = existing.order_by("created_at").first()
    if membership is not None:
        merchant, user, created = membership.merchant, membership.user, False
        rename_merchant(merchant, name, by=user)
        if merchant.plan != plan:
            merchant.plan = plan
            merchant.save(update_fields=["plan", "updated_at"])
    else:
        if not password:
            raise ValidationError({"password": "A password is required for a new user."})
        user = User.objects.filter(email=email).first() or User.objects.create_user(email=email, password=password)
        merchant = Merchant(name=name, plan=plan)
        with merchant_context(merchant):  # the new store's own rows (row-level security)
            merchant.save(force_insert=True)
            Membership.objects.create(user=user, merchant=merchant, role=Role.OWNER)
            record_event("merchant.created", merchant=merchant, actor=user, target=merchant, data={"plan": plan})
        created = True
    if email_verified and user.email_verified_at is None:
        user.email_verified_at = timezone.now()
        user.save(update_fields=["email_verified_at"])
    if cj_api_key:
        from nexusone.suppliers.actions import set_api_key

        with merchant_context(merchant):
            set_api_key(merchant, cj_api_key)
    return MerchantSetup(merchant, user, created)


@transaction.atomic
def sign_up(*, store_name: str, email: str, password: str) -> MerchantSetup:
    """Self-service sign-up: a new user owning a new merchant on the Free plan; a link to confirm the address
    is emailed (connecting CJ and importing wait for it)."""
    email = _clean_email(email)
    if User.objects.filter(email=email).exists():
        raise ValidationError({"email": "An account with this email already exists; log in instead."})
    validate_password(password, User(email=email))
    setup = create_merchant(name=store_name, email=email, password=password, plan=Plan.FREE, email_verified=False)
    from .verification import send_verification_email

    transaction.on_commit(lambda: send_verification_email(setup.user))
    return setup


@transaction.atomic
def rename_merchant(merchant: Merchant, name: str, *, by: User | None = None, request=None) -> Merchant:
    """Change the store's name (Settings, PATCH /api/merchant); the audit trail keeps the old and the new."""
    _change_and_audit(merchant, "name", _clean_name(name), "merchant.renamed", by=by, request=request)
    return merchant


# Called after commit with the merchant whose time zone changed (analytics re-days its rollups).
TIMEZONE_CHANGE_HOOKS: list = []


def set_store_timezone(merchant: Merchant, name: str, *, by: User | None = None, request=None) -> Merchant:
    """Change the store's time zone (analytics days follow it; `rebuild_analytics` re-days past orders)."""
    name = (name or "").strip()
    try:
        validate_timezone(name)
    except ValidationError as exc:
        raise ValidationError({"timezone": exc.messages}) from exc
    if _change_and_audit(merchant, "timezone", name, "merchant.timezone_changed", by=by, request=request) is not None:
        for hook in TIMEZONE_CHANGE_HOOKS:
            transaction.on_commit(lambda hook=hook: hook(merchant))
    return merchant


def _change_and_audit(
    merchant: Merchant, field: str, value: str, action: str, *, by: User | None, request=None
) -> str | None:
    """Set one field of the merchant and audit it as `action`; the old value, or None when it was already so."""
    old = getattr(merchant, field)
    if old == value:
        return None
    setattr(merchant, field, value)
    merchant.save(update_fields=[field, "updated_at"])
    data = {"from": old, "to": value}
    record_event(action, merchant=merchant, actor=by, target=merchant, data=data, request=request)
    return old


@transaction.atomic
def add_member(merchant: Merchant, *, email: str, role: str, by: User) -> Membership:
    email = _clean_email(email)
    if role not in Role.values:
        raise ValidationError({"role": f"Unknown role {role!r}."})
    user = User.objects.filter(email=email).first()
    if user is None:
        raise ValidationError({"email": "No user has this email; ask them to sign up first."})
    membership, _ = Membership.objects.update_or_create(user=user, merchant=merchant, defaults={"role": role})
    record_event("membership.saved", merchant=merchant, actor=by, target=membership, data={"role": role})
    return membership


@transaction.atomic
def change_role(membership: Membership, role: str, *, by: User) -> Membership:
    if role not in Role.values:
        raise ValidationError({"role": f"Unknown role {role!r}."})
    owners = Membership.objects.filter(merchant=membership.merchant, role=Role.OWNER).select_for_update()
    if membership.role == Role.OWNER and role != Role.OWNER and owners.count() <= 1:
        raise ValidationError({"role": "A merchant needs at least one owner."})
    membership.role = role
    membership.save(update_fields=["role"])
    record_event(
        "membership.role_changed", merchant=membership.merchant, actor=by, target=membership, data={"role": role}
    )
    return membership


@transaction.atomic
def remove_member(membership: Membership, *, by: User) -> None:
    if (
        membership.role == Role.OWNER
        and Membership.objects.filter(merchant=membership.merchant, role=Role.OWNER).count() <= 1
    ):
        raise ValidationError({"role": "A merchant needs at least one owner."})
    record_event("membership.removed", merchant=membership.merchant, actor=by, target=membership)
    membership.delete()


@transaction.atomic
def change_plan(
    merchant: Merchant, plan: str, *, by: User | None = None, request: HttpRequest | None = None, source: str = "manual"
) -> Merchant:
    """Change the plan now; apps react through PLAN_CHANGE_HOOKS (extension sessions, sync schedules).

    A downgrade deletes and hides nothing: imports stay refused (`plan_limit`) while the catalog is over
    the new limit. Billing providers call this once payment (or cancellation) is settled."""
    plan = _clean_plan(plan)
    old = Merchant.objects.select_for_update().values_list("plan", flat=True).get(pk=merchant.pk)
    if old == plan:
        merchant.plan = plan
        return merchant
    merchant.plan = plan
    merchant.save(update_fields=["plan", "updated_at"])
    over = products_over_limit(merchant)
    record_event(
        "merchant.plan_changed",
        merchant=merchant,
        actor=by,
        target=merchant,
        data={"from": old, "to": plan, "source": source, "products_over_limit": over},
        request=request,
    )
    for hook in PLAN_CHANGE_HOOKS:
        hook(merchant, old, plan)
    return merchant


def products_over_limit(merchant: Merchant) -> int:
    """How many products the catalog holds beyond the plan's limit (0 when within it or unlimited)."""
    limit = capabilities(merchant.plan).product_limit
    if limit is None:
        return 0
    products = apps.get_model("inventory", "Product").objects.filter(merchant=merchant)
    return max(0, products.count() - limit)


PLAN_CHANGE_HOOKS: list[Callable[[Merchant, str, str], None]] = []
"""Callables (merchant, old_plan, new_plan) registered by apps in AppConfig.ready()."""
