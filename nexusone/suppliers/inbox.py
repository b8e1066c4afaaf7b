"""The webhook inbox: every supplier message verified, stored once, then applied by the app that handles its topic.

receive_webhook (the HTTP receiver) → store_webhook_once → request_inbox_drain → drain_inbox → process_webhook →
the topic's handler. Apps register their handlers in AppConfig.ready() (`register_topic_handler`): orders take
order and logistics messages, inventory product, variant and stock ones. A handler returns a note for the
message's record (or anything else: "<topic> message applied"), raises MessageIgnored to say why the message
changed nothing; any other error marks the message failed.

Which merchants a message concerns is CJ's business and stays here: the account whose key verifies the
signature, and every other store connected to that CJ account (same openId).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from django.core.cache import cache
from django.db import OperationalError, connection, transaction
from django.utils import timezone

from nexusone.accounts.models import Merchant
from nexusone.core import tenancy

from .actions import get_supplier_account
from .base import WebhookEvent
from .choices import WebhookState
from .models import SupplierAccount, WebhookMessage
from .registry import get_supplier

if TYPE_CHECKING:
    from .base import Supplier

logger = logging.getLogger(__name__)

WEBHOOK_KEYS_TTL = 30.0  # seconds a process trusts its list of signing accounts
INBOX_DRAIN_KEY = "suppliers:webhook-inbox-drain-queued"

TopicHandler = Callable[[Merchant, WebhookEvent], Any]


class MessageIgnored(Exception):
    """Raised by a topic handler when the message changes nothing; its text is the message's note."""


@dataclass(frozen=True)
class _Registration:
    handler: TopicHandler
    every_store: bool


_handlers: dict[str, _Registration] = {}
_webhook_keys: dict[str, Any] = {"loaded_at": -WEBHOOK_KEYS_TTL, "accounts": []}


def register_topic_handler(topics: tuple[str, ...], handler: TopicHandler, *, every_store: bool = False) -> None:
    """Route messages of these topics to `handler(merchant, event)`.

    every_store: call it once for each store on the message's CJ account (catalog news concerns them all);
    otherwise once, for the store whose account verified the message."""
    for topic in topics:
        _handlers[topic.lower()] = _Registration(handler, every_store)


@dataclass(frozen=True)
class WebhookReceipt:
    outcome: str  # stored, duplicate, invalid
    message: WebhookMessage | None = None


# --- whose message is it ----------------------------------------------------------------------------------


def _webhook_accounts(*, reload: bool = False) -> list[tuple[SupplierAccount, Supplier]]:
    """CJ accounts that can sign webhooks with their clients, kept in-process briefly (a miss reloads at once)."""
    now = time.monotonic()
    if reload or now - _webhook_keys["loaded_at"] > WEBHOOK_KEYS_TTL:
        # Before a message's store is known every store's signing key is a candidate (refreshed each TTL).
        with tenancy.bypass("CJ webhook receiver: the signing keys of every connected CJ account"):
            accounts = SupplierAccount.objects.filter(supplier="cj").exclude(open_id="")
            _webhook_keys["accounts"] = [(a, get_supplier(a)) for a in accounts if a.open_id]
        _webhook_keys["loaded_at"] = now
    return _webhook_keys["accounts"]


def forget_webhook_accounts(**_: Any) -> None:
    """Connected to SupplierAccount saves and deletes: the next webhook reloads the signing keys."""
    _webhook_keys["loaded_at"] = -WEBHOOK_KEYS_TTL


def find_webhook_account(raw_body: bytes, headers: dict[str, str]) -> tuple[SupplierAccount, Supplier] | None:
    """The account whose signing key verifies the body. The payload's openId only orders the search."""
    hint = _open_id_hint(raw_body)
    for reload in (False, True):
        candidates = _webhook_accounts(reload=reload)
        if hint:
            candidates = sorted(candidates, key=lambda pair: pair[0].open_id != hint)
        for account, supplier in candidates:
            if supplier.verify_webhook(raw_body, headers):
                return account, supplier
    return None


def _open_id_hint(raw_body: bytes) -> str:
    marker = b'"openId"'
    at = raw_body.find(marker)
    if at < 0:
        return ""
    tail = raw_body[at + len(marker) : at + len(marker) + 40].lstrip(b' :\t"')
    digits = bytes(c for c in tail[:30] if 48 <= c <= 57) if tail[:1].isdigit() else b""
    return digits.decode()


def merchants_sharing_cj_account(merchant: Merchant) -> list[Any]:
    """The merchant first, then every other merchant connected to the same CJ account (same openId).

    One CJ account can serve several stores (the platform's CJ_API_KEY); its webhooks are signed
    with that account's key, so the receiver cannot tell the stores apart by signature."""
    accounts = [account for account, _ in _webhook_accounts()]
    own = next((a.open_id for a in accounts if a.merchant_id == merchant.pk and a.open_id), "")
    others = [a.merchant_id for a in accounts if own and a.open_id == own and a.merchant_id != merchant.pk]
    return [merchant.pk, *others]


def _merchant_supplier(merchant: Merchant) -> Supplier | None:
    """The merchant's supplier client, from the receiver's in-process list when it is there."""
    for account, supplier in _webhook_accounts():
        if account.merchant_id == merchant.pk:
            return supplier
    account = get_supplier_account(merchant)
    return get_supplier(account) if account is not None else None


# --- receive and store --------------------------------------------------------------------------------------


def receive_webhook(raw_body: bytes, headers: dict[str, str], *, source: str = "cj") -> WebhookReceipt:
    """Verify, store once (a replay hits the unique constraint and is ignored), queue processing."""
    found = find_webhook_account(raw_body, headers)
    if found is None:
        logger.warning("Rejected a %s webhook: the signature matches no connected account", source)
        return WebhookReceipt("invalid")
    account, supplier = found
    event = supplier.parse_webhook(raw_body)
    message = WebhookMessage(
        source=source,
        message_id=event.message_id,
        merchant_id=account.merchant_id,
        topic=event.topic,
        action=event.action,
        payload=event.payload,
        raw_body=raw_body.decode("utf-8", errors="replace"),
        received_at=timezone.now(),
    )
    with tenancy.merchant_id_context(account.merchant_id):  # the verified account's store owns the message
        stored = store_webhook_once(message)
    if not stored:
        return WebhookReceipt("duplicate", message)  # stored and queued when it first came
    request_inbox_drain()
    return WebhookReceipt("stored", message)


def store_webhook_once(message: WebhookMessage) -> bool:
    """Insert the message unless (source, message_id) is already in the inbox; True when this call stored it.

    One `INSERT … ON CONFLICT DO NOTHING RETURNING id` in autocommit: a single round trip, no BEGIN/COMMIT
    (bulk_create(ignore_conflicts=True) wraps its INSERT in a transaction), no error for a replay, and the
    unique constraint stays the one authority when two deliveries of the same message race."""
    meta = WebhookMessage._meta
    fields = meta.concrete_fields
    quote = connection.ops.quote_name
    values = [field.get_db_prep_save(field.pre_save(message, add=True), connection) for field in fields]
    columns = ", ".join(quote(field.column) for field in fields)
    placeholders = ", ".join(["%s"] * len(fields))
    conflict = f"ON CONFLICT ({quote('source')}, {quote('message_id')}) DO NOTHING RETURNING {quote(meta.pk.column)}"
    # Only names from the model's metadata are interpolated; every value is a bound parameter.
    sql = f"INSERT INTO {quote(meta.db_table)} ({columns}) VALUES ({placeholders}) {conflict}"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, values)
        return cursor.fetchone() is not None


# --- drain and process --------------------------------------------------------------------------------------


def request_inbox_drain() -> None:
    """Queue one drain of the inbox unless one is already queued (a burst of messages shares it)."""
    from . import tasks

    def send() -> None:
        if not cache.add(INBOX_DRAIN_KEY, 1, timeout=30):
            return
        try:
            tasks.drain_webhooks.delay()
        except Exception:  # noqa: BLE001 - the periodic sweep processes stored messages later
            cache.delete(INBOX_DRAIN_KEY)
            logger.warning("Could not queue the webhook inbox drain; the periodic sweep will process it")

    transaction.on_commit(send)


def drain_inbox(batch: int = 50) -> int:
    """Process every received message; messages that arrive meanwhile queue the next drain.

    Each pass claims a batch no other drain holds (skip_locked), so concurrent drains share the work."""
    cache.delete(INBOX_DRAIN_KEY)
    done = 0
    while True:
        with transaction.atomic():
            ids = list(
                WebhookMessage.objects.select_for_update(skip_locked=True)
                .filter(state=WebhookState.RECEIVED)
                .order_by("received_at")
                .values_list("pk", flat=True)[:batch]
            )
            WebhookMessage.objects.filter(pk__in=ids).update(state=WebhookState.PROCESSING)
        if not ids:
            return done
        for message_id in ids:
            try:
                done += process_webhook(message_id) is not None
            except OperationalError:  # a deadlock or a lost connection: back in the inbox for the next pass
                logger.warning("Webhook message %s hit a transient database error; retrying", message_id, exc_info=True)
                WebhookMessage.objects.filter(pk=message_id, state=WebhookState.PROCESSING).update(
                    state=WebhookState.RECEIVED
                )


def pending_webhook_ids(limit: int = 500) -> list[Any]:
    """Messages whose processing was lost: never picked up, or claimed by a worker that died."""
    cutoff = timezone.now() - timedelta(minutes=5)
    return list(
        WebhookMessage.objects.filter(
            state__in=[WebhookState.RECEIVED, WebhookState.PROCESSING], received_at__lt=cutoff
        )
        .order_by("received_at")
        .values_list("pk", flat=True)[:limit]
    )


def process_webhook(message_id: Any) -> WebhookMessage | None:
    """Apply one stored message exactly once: under its row lock, marked done in the same transaction.

    The lock is waited for (not skipped): another transaction may hold it only briefly, and whoever gets it
    second finds the message processed."""
    with transaction.atomic():
        message = (
            WebhookMessage.objects.select_for_update(of=("self",))
            .filter(pk=message_id, state__in=[WebhookState.RECEIVED, WebhookState.PROCESSING])
            .select_related("merchant")
            .first()
        )
        if message is None:
            return None
        message.attempts += 1
        supplier = _merchant_supplier(message.merchant) if message.merchant else None
        if supplier is None:
            return _record_outcome(message, WebhookState.IGNORED, "No connected account for this message.")
        event = supplier.parse_webhook(message.raw_body.encode())
        try:
            with transaction.atomic():
                state, note = _apply_event(message.merchant, event)
        except OperationalError:
            raise  # transient: the message stays unprocessed
        except Exception as exc:
            logger.exception("Webhook message %s failed", message.message_id)
            state, note = WebhookState.FAILED, f"{type(exc).__name__}: {exc}"
        return _record_outcome(message, state, note)


def _record_outcome(message: WebhookMessage, state: str, note: str) -> WebhookMessage:
    message.state, message.note, message.processed_at = state, note[:2000], timezone.now()
    message.save(update_fields=["state", "note", "processed_at", "attempts"])
    return message


def _apply_event(merchant: Merchant, event: WebhookEvent) -> tuple[str, str]:
    """Hand the event to its topic's handler; (state, note) for the message's record."""
    topic = event.topic.lower()
    registration = _handlers.get(topic)
    if registration is None:
        return WebhookState.IGNORED, f"Topic {event.topic!r} is not handled."
    if registration.every_store:
        stores = Merchant.objects.filter(pk__in=merchants_sharing_cj_account(merchant))
        for store in stores:
            registration.handler(store, event)
        return WebhookState.PROCESSED, f"{topic} message applied for {len(stores)} store(s)"
    try:
        result = registration.handler(merchant, event)
    except MessageIgnored as ignored:
        return WebhookState.IGNORED, str(ignored)
    return WebhookState.PROCESSED, result if isinstance(result, str) else f"{topic} message applied"
