"""Business operations on supplier connections: connect CJ, read its status, prune call logs."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.core.exceptions import ValidationError

from nexusone.accounts.verification import require_verified_owner
from nexusone.core.audit import record_event

from .base import SupplierAuthError, SupplierError, SupplierRateLimited, SupplierUnavailable
from .cj.accounting import prune_call_logs, usage_today
from .cj.circuit import CircuitBreaker
from .cj.client import CJSupplier, account_qps
from .cj.points import PointsLedger, PointsStatus
from .models import TOKEN_FIELDS, SupplierAccount

SECRET_FIELDS = ("api_key", *TOKEN_FIELDS)


@dataclass(frozen=True)
class ConnectionResult:
    ok: bool
    reason: str  # connected, wrong_key, unreachable, rate_limited, error
    message: str


@dataclass(frozen=True)
class ConnectionStatus:
    configured: bool
    connected: bool
    api_key_hint: str
    token_expires_at: datetime | None
    qps: float
    calls_today: int
    points: PointsStatus
    circuit_state: str
    circuit_ok: bool
    last_error: str
    sandbox_orders: bool
    base_url: str


def get_supplier_account(merchant, supplier: str = "cj", *, related: tuple[str, ...] = ()) -> SupplierAccount | None:
    """The merchant's connection to `supplier`, the one lookup every app uses.

    With a platform-wide CJ_API_KEY (DESIGN.md §7), a merchant without a connection of its
    own gets one on first use; the merchant's own key, once entered, always wins."""
    accounts = SupplierAccount.objects.for_merchant(merchant).filter(supplier=supplier)
    account = accounts.select_related(*related).first() if related else accounts.first()
    if account is None and supplier == "cj" and settings.CJ_API_KEY:
        SupplierAccount.objects.get_or_create(merchant=merchant, supplier=supplier)
        account = accounts.select_related(*related).first() if related else accounts.first()
    return account


def set_api_key(
    merchant, api_key: str, *, sandbox_orders: bool | None = None, qps: float | None = None
) -> SupplierAccount:
    """Store the merchant's CJ API key (unchecked). A different key forgets the tokens issued
    for the old one: they belong to another CJ account, and the new key logs in on first use."""
    account, _ = SupplierAccount.objects.get_or_create(merchant=merchant, supplier="cj")
    if account.api_key != api_key:
        account.api_key = api_key
        account.forget_tokens()
    if sandbox_orders is not None:
        account.sandbox_orders = sandbox_orders
    if qps is not None:
        account.qps = qps
    account.save()
    return account


def connect_account(
    merchant, api_key: str, *, sandbox_orders: bool | None = None, by=None, request=None
) -> ConnectionResult:
    """Store a CJ API key after proving it works (CJ issues a token for it).

    A refused key and an unreachable CJ give different answers; on failure the
    previous connection is kept as it was."""
    api_key = (api_key or "").strip()
    if not api_key:
        raise ValidationError({"api_key": "Enter your CJ API key (My CJ → Authorization → API)."})
    require_verified_owner(merchant)
    before = SupplierAccount.objects.filter(merchant=merchant, supplier="cj").first() or SupplierAccount()
    previous = {name: getattr(before, name) for name in SECRET_FIELDS}
    account = set_api_key(merchant, api_key, sandbox_orders=sandbox_orders)
    try:
        CJSupplier(account).connect()
    except SupplierAuthError:
        result = ConnectionResult(False, "wrong_key", "CJ refused this API key. Copy it again from My CJ → API.")
    except SupplierRateLimited:
        result = ConnectionResult(
            False, "rate_limited", "CJ allows one login every 5 minutes for an account; try again in a few minutes."
        )
    except SupplierUnavailable:
        result = ConnectionResult(
            False, "unreachable", "CJ could not be reached right now; your key was not checked. Try again later."
        )
    except SupplierError as exc:
        result = ConnectionResult(False, "error", f"CJ answered with an error: {exc}")
    else:
        record_event("supplier.connected", merchant=merchant, actor=by, target=account, request=request)
        return ConnectionResult(True, "connected", "Connected to CJ Dropshipping.")
    for name, value in previous.items():
        setattr(account, name, value)
    account.last_error = result.message
    account.save()
    return result


def check_connection(merchant, *, by=None, request=None) -> ConnectionResult:
    """Log in again with the stored key (e.g. the demo's sandbox key, or after a "reconnect" warning)."""
    account = SupplierAccount.objects.filter(merchant=merchant, supplier="cj").first()
    key = (account.api_key if account else "") or getattr(settings, "CJ_API_KEY", "")
    if not key:
        return ConnectionResult(False, "error", "No CJ API key is saved yet; enter one below.")
    return connect_account(merchant, key, by=by, request=request)


def disconnect_account(merchant, *, by=None, request=None) -> bool:
    account = SupplierAccount.objects.filter(merchant=merchant, supplier="cj").first()
    if account is None:
        return False
    account.api_key = account.open_id = ""
    account.forget_tokens()
    account.connected_at = None
    account.save()
    record_event("supplier.disconnected", merchant=merchant, actor=by, target=account, request=request)
    return True


def connection_status(merchant) -> ConnectionStatus:
    account = SupplierAccount.objects.filter(merchant=merchant, supplier="cj").first()
    breaker = CircuitBreaker.for_cj()
    state = breaker.state()
    if account is None:
        account = SupplierAccount(merchant=merchant)
    key = account.api_key or getattr(settings, "CJ_API_KEY", "")
    usage = usage_today(account.pk) if account.pk else None
    points = PointsLedger(account).status()
    return ConnectionStatus(
        configured=bool(key),
        connected=bool(account.access_token and account.connected_at),
        api_key_hint=f"…{key[-4:]}" if len(key) > 8 else ("set" if key else ""),
        token_expires_at=account.access_token_expires_at,
        qps=account_qps(account),
        calls_today=usage.calls if usage else 0,
        points=points,
        circuit_state=state,
        circuit_ok=state == "closed",
        last_error=account.last_error,
        sandbox_orders=account.sandbox_orders,
        base_url=settings.CJ_API_BASE_URL,
    )


def prune_supplier_call_logs() -> int:
    """Delete call logs older than 7 days; returns how many went."""
    return prune_call_logs()


def seed_demo_connection(merchant, stdout) -> None:
    """The demo merchant talks to the built-in sandbox, placing sandbox orders."""
    if not settings.CJ_SANDBOX_ENABLED:
        return
    account = set_api_key(merchant, settings.CJ_SANDBOX_API_KEY, sandbox_orders=True)
    if not account.qps:
        account.qps = 10
        account.save(update_fields=["qps", "updated_at"])
    stdout.write(f"CJ: the demo merchant uses the sandbox at {settings.CJ_API_BASE_URL}")
