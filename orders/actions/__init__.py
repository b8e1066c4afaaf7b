"""Order operations: every change to an order goes through a function here.

create → reserve stock → quote → order + lines + outbox row in one transaction → (after commit) submit to the
supplier under our idempotency key → confirmed. Status moves only through `status.transition_order` and the table
in choices.TRANSITIONS. Each module holds one subsystem; callers keep `from orders import actions; actions.X`.
"""

from .changes import cancel_order, refund_order, retry_order
from .commission import (
    CENT,
    Earnings,
    commission_earnings,
    record_sale_commission,
    reverse_commission,
    split_commission,
)
from .create import create_order, quote_items
from .customer_emails import CUSTOMER_EMAIL_STATUSES, email_customer, send_customer_email
from .errors import InsufficientStock, SupplierNotConnected, SupplierUnreachable, shortage_message
from .lines import LineInput, OrderInput, ResolvedLine, catalog_variants, resolve_lines, supplier_lines, unit_price
from .outbox import (
    CIRCUIT_WAIT,
    MAX_BACKOFF,
    NOTIFY_AFTER_ATTEMPTS,
    REJECTED_DUPLICATE,
    SUBMISSION_LEASE,
    accept_submission,
    backoff,
    claim_submission,
    dispatch_submission,
    due_submission_ids,
    fail_submission,
    mark_submission,
    submit_order,
)
from .reservations import consume_stock, give_back_stock, refuse_if_short, release_stock, reserve_stock, restore_stock
from .sandbox import SANDBOX_STEPS, advance_in_sandbox, sandbox_control_url
from .settings import (
    get_fulfillment_settings,
    get_supplier_account,
    register_webhooks,
    update_fulfillment_settings,
    webhook_url,
)
from .shipping import choose_quote, quote_shipping
from .status import (
    AWAITING_PAYMENT_STATUSES,
    SUPPLIER_STATUS_MAP,
    advance_from_supplier,
    lock_order,
    log_step,
    order_summary_counts,
    publish_status,
    transition_order,
)
from .tracking import (
    apply_supplier_order,
    apply_tracking,
    due_shipment_ids,
    next_poll_at,
    poll_tracking,
    refresh_tracking,
    tracking_payload,
)

__all__ = [
    "AWAITING_PAYMENT_STATUSES",
    "CENT",
    "CIRCUIT_WAIT",
    "CUSTOMER_EMAIL_STATUSES",
    "MAX_BACKOFF",
    "NOTIFY_AFTER_ATTEMPTS",
    "REJECTED_DUPLICATE",
    "SANDBOX_STEPS",
    "SUBMISSION_LEASE",
    "SUPPLIER_STATUS_MAP",
    "Earnings",
    "InsufficientStock",
    "LineInput",
    "OrderInput",
    "ResolvedLine",
    "SupplierNotConnected",
    "SupplierUnreachable",
    "accept_submission",
    "advance_from_supplier",
    "advance_in_sandbox",
    "apply_supplier_order",
    "apply_tracking",
    "backoff",
    "cancel_order",
    "catalog_variants",
    "choose_quote",
    "claim_submission",
    "commission_earnings",
    "consume_stock",
    "create_order",
    "dispatch_submission",
    "due_shipment_ids",
    "due_submission_ids",
    "email_customer",
    "fail_submission",
    "get_fulfillment_settings",
    "get_supplier_account",
    "give_back_stock",
    "lock_order",
    "log_step",
    "mark_submission",
    "next_poll_at",
    "order_summary_counts",
    "poll_tracking",
    "publish_status",
    "quote_items",
    "quote_shipping",
    "record_sale_commission",
    "refresh_tracking",
    "refund_order",
    "refuse_if_short",
    "register_webhooks",
    "release_stock",
    "reserve_stock",
    "resolve_lines",
    "restore_stock",
    "retry_order",
    "reverse_commission",
    "sandbox_control_url",
    "send_customer_email",
    "shortage_message",
    "split_commission",
    "submit_order",
    "supplier_lines",
    "tracking_payload",
    "transition_order",
    "unit_price",
    "update_fulfillment_settings",
    "webhook_url",
]
