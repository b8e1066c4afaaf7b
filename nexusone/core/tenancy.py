"""The current merchant: the one place that knows which tenant a request acts for.

Middleware (HTML) and the DRF mixin (API) set it, Celery tasks declare it (`runs_for_merchant`,
`runs_in_bypass`), management commands and cross-tenant work enter `bypass(reason)`. On PostgreSQL the
database backend (`nexusone.core.db.postgresql`) sends `scope()` with every transaction, and the row-level
security policies admit only the rows of `app.merchant_id` (see the README, "Row-level security").
"""

from __future__ import annotations

import functools
import logging
import uuid
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import models

if TYPE_CHECKING:
    from django.http import HttpRequest

    from nexusone.accounts.models import Membership, Merchant, User

_current_merchant: ContextVar[Merchant | None] = ContextVar("current_merchant", default=None)
_current_user_id: ContextVar[str | None] = ContextVar("current_user_id", default=None)
_bypass_reason: ContextVar[str | None] = ContextVar("bypass_reason", default=None)
# A merchant known by id only (a task's argument, an extension token's claim) before its row is read.
_current_merchant_id: ContextVar[str | None] = ContextVar("current_merchant_id", default=None)

logger = logging.getLogger("nexusone.tenancy")

SESSION_KEY = "merchant_id"
HEADER = "HTTP_X_MERCHANT_ID"


def get_current_merchant() -> Merchant | None:
    return _current_merchant.get()


def set_current_merchant(merchant: Merchant | None) -> None:
    _current_merchant.set(merchant)
    _current_merchant_id.set(None)


@contextmanager
def merchant_context(merchant: Merchant | None) -> Iterator[None]:
    """Act for this merchant (None: for nobody, no tenant row is visible)."""
    tokens = (_current_merchant.set(merchant), _current_merchant_id.set(None), _bypass_reason.set(None))
    try:
        yield
    finally:
        _reset(tokens)


@contextmanager
def merchant_id_context(merchant_id: object) -> Iterator[None]:
    """Act for the merchant with this id (a task's argument, a signed token's claim)."""
    as_uuid = _as_uuid(merchant_id)
    tokens = (
        _current_merchant.set(None),
        _current_merchant_id.set(str(as_uuid) if as_uuid else None),
        _bypass_reason.set(None),
    )
    try:
        yield
    finally:
        _reset(tokens)


def set_current_merchant_id(merchant_id: object) -> None:
    """Act for the merchant with this id from here to the end of the enclosing context."""
    as_uuid = _as_uuid(merchant_id)
    _current_merchant.set(None)
    _current_merchant_id.set(str(as_uuid) if as_uuid else None)


def nobody() -> Any:
    """No merchant, no user: an anonymous request sees no tenant row."""
    return merchant_context(None)


@contextmanager
def user_context(user_id: object) -> Iterator[None]:
    """Also let the signed-in user find their own memberships (before a merchant is chosen)."""
    token = _current_user_id.set(str(int(user_id)) if user_id is not None else None)
    try:
        yield
    finally:
        _current_user_id.reset(token)


def set_current_user(user_id: object) -> None:
    _current_user_id.set(str(int(user_id)) if user_id is not None else None)


@contextmanager
def bypass(reason: str, *, actor: Any = None, audit: bool = False) -> Iterator[None]:
    """Cross-tenant work: every row is visible (PostgreSQL role `nexusone_bypass`). Never silent: a log line
    with actor and reason always, an audit event too when `audit` (staff writes, commands, rare acts)."""
    if not reason:
        raise ValueError("A bypass needs a reason.")
    actor_label = getattr(actor, "email", None) or (str(actor) if actor is not None else "system")
    logger.info("tenancy bypass: %s (actor %s)", reason, actor_label)
    tokens = (_current_merchant.set(None), _current_merchant_id.set(None), _bypass_reason.set(reason))
    try:
        if audit:
            _audit_bypass(reason, actor)
        yield
    finally:
        _reset(tokens)


def _audit_bypass(reason: str, actor: Any) -> None:
    from .audit import record_event

    is_user = getattr(actor, "is_authenticated", False)
    record_event("tenancy.bypass", actor=actor if is_user else None, data={"reason": reason})


def _reset(tokens: tuple) -> None:
    merchant, merchant_id, reason = tokens
    _bypass_reason.reset(reason)
    _current_merchant_id.reset(merchant_id)
    _current_merchant.reset(merchant)


@dataclass(frozen=True)
class Scope:
    """What the database is told for the current context: tenant id, user id, bypass."""

    merchant_id: str = ""
    user_id: str = ""
    bypass: bool = False


def scope() -> Scope:
    """The current context as the database sees it (called on every statement: keep it cheap)."""
    if _bypass_reason.get() is not None:
        return Scope(bypass=True)
    merchant = _current_merchant.get()
    merchant_id = str(merchant.pk) if merchant is not None else (_current_merchant_id.get() or "")
    return Scope(merchant_id=merchant_id, user_id=_current_user_id.get() or "")


# --- Celery tasks: each declares how it runs --------------------------------------------------------

TASK_DECLARATION = "_tenancy"


def runs_for_merchant(
    *, merchant_arg: str | None = None, model: str | None = None, object_arg: str | None = None
) -> Callable[[Callable], Callable]:
    """A task that acts for one merchant: named by `merchant_arg`, or the owner of the `model` row whose id
    is `object_arg` (its merchant id alone is read in a logged bypass)."""
    if not merchant_arg and not (model and object_arg):
        raise ValueError("runs_for_merchant needs merchant_arg, or model and object_arg.")

    def decorate(func: Callable) -> Callable:
        import inspect

        signature = inspect.signature(func)

        @functools.wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            bound = signature.bind_partial(*args, **kwargs).arguments
            if merchant_arg:
                merchant_id = bound.get(merchant_arg)
            else:
                merchant_id = _owner_of(model, bound.get(object_arg), func.__name__)
            with merchant_id_context(merchant_id):
                return func(*args, **kwargs)

        setattr(wrapper, TASK_DECLARATION, "merchant")
        return wrapper

    return decorate


def _owner_of(model_label: str | None, object_id: object, task_name: str) -> object:
    from django.apps import apps

    model = apps.get_model(model_label)
    with bypass(f"task {task_name}: the merchant of {model_label} {object_id}"):
        return model.objects.filter(pk=object_id).values_list("merchant_id", flat=True).first()


def runs_in_bypass(reason: str) -> Callable[[Callable], Callable]:
    """A cross-tenant task (a beat sweep): runs in `bypass(reason)`."""
    return _task_in(lambda task_name: bypass(f"task {task_name}: {reason}"), "bypass")


def runs_for_nobody() -> Callable[[Callable], Callable]:
    """A task that reads no tenant row by itself (a heartbeat; a loop entering each merchant's context)."""
    return _task_in(lambda task_name: nobody(), "nobody")


def _task_in(context_for: Callable[[str], AbstractContextManager], declaration: str) -> Callable[[Callable], Callable]:
    """A task that runs, every time, in the context `context_for(its name)` gives, declared as `declaration`."""

    def decorate(func: Callable) -> Callable:
        @functools.wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            with context_for(func.__name__):
                return func(*args, **kwargs)

        setattr(wrapper, TASK_DECLARATION, declaration)
        return wrapper

    return decorate


def task_declaration(task: Any) -> str | None:
    """How a registered Celery task runs ("merchant", "bypass"), None when it does not say."""
    run = getattr(task, "run", task)
    return getattr(run, TASK_DECLARATION, None) or getattr(getattr(run, "__wrapped__", None), TASK_DECLARATION, None)


_MEMBERSHIPS = "_request_memberships"


def attach_memberships(user: User, memberships: list[Membership]) -> User:
    """Hand the user's memberships (oldest first) to `resolve_membership`, e.g. when authentication read them.

    Only for a user object built for this request: the list is not refreshed afterwards."""
    for membership in memberships:
        membership.user = user
    setattr(user, _MEMBERSHIPS, memberships)
    return user


def _as_uuid(value: object) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value)) if value else None
    except ValueError:
        return None


def resolve_membership(request: HttpRequest) -> Membership | None:
    """The membership the request acts through: the chosen one, else the first."""
    from nexusone.accounts.models import Membership

    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return None
    wanted = _as_uuid(
        request.META.get(HEADER) or (request.session.get(SESSION_KEY) if hasattr(request, "session") else None)
    )
    known = getattr(user, _MEMBERSHIPS, None)
    if known is not None:
        chosen = [m for m in known if m.merchant_id == wanted]
        return (chosen or known or [None])[0]
    memberships = Membership.objects.filter(user=user).select_related("merchant").order_by("created_at")
    if wanted:
        chosen = memberships.filter(merchant_id=wanted).first()
        if chosen is not None:
            return chosen
    return memberships.first()


class MerchantQuerySet(models.QuerySet):
    def for_merchant(self, merchant: Merchant) -> MerchantQuerySet:
        return self.filter(merchant=merchant)


MerchantManager = models.Manager.from_queryset(MerchantQuerySet)


class MerchantOwned(models.Model):
    """Base for every tenant-owned row: carries the merchant and a scoped manager."""

    # Every tenant table leads an index with merchant (enforced by a system check, core.checks), so the
    # plain merchant index would only cost writes and planning time.
    merchant = models.ForeignKey("accounts.Merchant", on_delete=models.CASCADE, related_name="+", db_index=False)

    objects = MerchantManager()

    class Meta:
        abstract = True
