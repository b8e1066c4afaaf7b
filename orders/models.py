"""Orders, their lines and history, the supplier outbox, tracking, the commission ledger and the webhook inbox."""

from __future__ import annotations

import uuid
from decimal import Decimal

from auditlog.registry import auditlog
from django.conf import settings
from django.db import models
from django.db.models.functions import Round

from nexusone.core.tenancy import MerchantOwned

from .choices import (
    CommissionKind,
    EventSource,
    LogOutcome,
    OrderSource,
    OrderStatus,
    StockState,
    SubmissionState,
)

ZERO = Decimal("0.00")


def _money(**kwargs: object) -> models.DecimalField:
    return models.DecimalField(max_digits=12, decimal_places=2, default=ZERO, **kwargs)


class FulfillmentSettings(models.Model):
    """How a merchant's orders go to the supplier."""

    merchant = models.OneToOneField("accounts.Merchant", on_delete=models.CASCADE, related_name="fulfillment_settings")
    pay_from_balance = models.BooleanField(
        default=False, help_text="Pay CJ orders from the CJ balance automatically (Pro and Premium)."
    )
    from_country_code = models.CharField(max_length=2, default="CN", help_text="Warehouse country orders ship from.")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "fulfillment settings"

    def __str__(self) -> str:
        return f"Fulfillment settings of {self.merchant_id}"


class Order(MerchantOwned):
    """A customer order of the merchant's store, fulfilled through the supplier."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    reference = models.CharField(max_length=50, help_text="The store's order number; unique per merchant.")
    status = models.CharField(max_length=20, choices=OrderStatus.choices, default=OrderStatus.PENDING)
    source = models.CharField(max_length=20, choices=OrderSource.choices, default=OrderSource.API)
    supplier = models.CharField(max_length=20, default="cj")
    external_order_id = models.CharField(max_length=64, blank=True, default="", help_text="The supplier's order id.")
    supplier_status = models.CharField(max_length=40, blank=True, default="", help_text="The supplier's own status.")
    awaiting_payment = models.BooleanField(default=False, help_text="Accepted by the supplier but not paid there yet.")
    customer_name = models.CharField(max_length=200)
    customer_email = models.EmailField(max_length=254)
    customer_phone = models.CharField(max_length=40, blank=True, default="")
    shipping_address = models.JSONField(default=dict)
    shipping_method = models.CharField(max_length=200, blank=True, default="")
    shipping_days = models.CharField(max_length=40, blank=True, default="")
    shipping_cost = _money()
    subtotal = _money()
    total_amount = _money()
    refunded_amount = _money()
    currency = models.CharField(max_length=3, default="USD")
    stock_state = models.CharField(max_length=20, choices=StockState.choices, default=StockState.RESERVED)
    cancellation_note = models.TextField(blank=True, default="")
    last_error = models.TextField(blank=True, default="")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    processing_at = models.DateTimeField(null=True, blank=True)
    shipped_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    refunded_at = models.DateTimeField(null=True, blank=True)
    failed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["merchant", "reference"], name="order_unique_reference")]
        indexes = [
            models.Index(fields=["merchant", "-created_at"]),
            models.Index(fields=["merchant", "status", "-created_at"]),
            models.Index(fields=["merchant", "external_order_id"]),
            models.Index(fields=["merchant", "customer_email"]),
        ]

    def __str__(self) -> str:
        return f"Order {self.reference}"

    @property
    def product_cost(self) -> Decimal:
        return sum((line.unit_cost * line.quantity for line in self.lines.all()), ZERO)

    @property
    def margin(self) -> Decimal:
        """What the sale leaves after paying the supplier for goods and postage."""
        return self.total_amount - self.product_cost - self.shipping_cost

    @property
    def tracking_number(self) -> str:
        shipments = list(self.shipments.all())
        return shipments[0].tracking_number if shipments else ""


class OrderLine(MerchantOwned):
    """One product variant in an order, with the supplier ids and prices as they were when ordered."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines")
    product = models.ForeignKey("inventory.Product", null=True, on_delete=models.SET_NULL, related_name="+")
    variant = models.ForeignKey("inventory.Variant", null=True, on_delete=models.SET_NULL, related_name="+")
    product_name = models.CharField(max_length=500, blank=True, default="")
    variant_name = models.CharField(max_length=500, blank=True, default="")
    sku = models.CharField(max_length=200, blank=True, default="")
    external_product_id = models.CharField(max_length=64, blank=True, default="")
    external_variant_id = models.CharField(max_length=64, help_text="The supplier's variant id (CJ vid).")
    quantity = models.PositiveIntegerField()
    unit_price = _money()
    unit_cost = _money()

    class Meta:
        ordering = ["product_name", "sku"]
        indexes = [models.Index(fields=["merchant", "product"])]  # sales per product
        constraints = [models.CheckConstraint(condition=models.Q(quantity__gt=0), name="order_line_quantity_positive")]

    def __str__(self) -> str:
        return f"{self.quantity} × {self.sku or self.external_variant_id}"

    @property
    def line_total(self) -> Decimal:
        return self.unit_price * self.quantity


class OrderStatusEvent(MerchantOwned):
    """The history of an order: one row per status change."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="status_events")
    from_status = models.CharField(max_length=20, blank=True, default="")
    to_status = models.CharField(max_length=20, choices=OrderStatus.choices)
    source = models.CharField(max_length=20, choices=EventSource.choices, default=EventSource.SYSTEM)
    note = models.TextField(blank=True, default="")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at"]
        indexes = [models.Index(fields=["merchant", "order", "created_at"])]

    def __str__(self) -> str:
        return f"{self.from_status or '∅'} → {self.to_status}"


class SupplierSubmission(MerchantOwned):
    """The outbox row of an order: what must reach the supplier, and how far it got.

    `idempotency_key` is sent as CJ's orderNumber; before any resend of a row whose
    outcome is unknown, the order is looked up at the supplier under that key."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    order = models.OneToOneField(Order, on_delete=models.CASCADE, related_name="submission")
    supplier = models.CharField(max_length=20, default="cj")
    idempotency_key = models.CharField(max_length=50)
    state = models.CharField(max_length=20, choices=SubmissionState.choices, default=SubmissionState.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    lease_expires_at = models.DateTimeField(null=True, blank=True, help_text="A sending row past this was abandoned.")
    last_error = models.TextField(blank=True, default="")
    response = models.JSONField(default=dict, blank=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["merchant", "supplier", "idempotency_key"], name="submission_unique_key")
        ]
        indexes = [models.Index(fields=["state", "next_attempt_at"])]

    def __str__(self) -> str:
        return f"Submission {self.idempotency_key} ({self.state})"


class Shipment(MerchantOwned):
    """One package of an order with its tracking number (an order may ship in several)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="shipments")
    tracking_number = models.CharField(max_length=100)
    carrier = models.CharField(max_length=200, blank=True, default="")
    status = models.CharField(max_length=200, blank=True, default="")
    tracking_url = models.URLField(max_length=1000, blank=True, default="")
    last_mile_tracking_number = models.CharField(max_length=100, blank=True, default="")
    delivered = models.BooleanField(default=False)
    last_event_at = models.DateTimeField(null=True, blank=True)
    last_polled_at = models.DateTimeField(null=True, blank=True)
    next_poll_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at"]
        constraints = [models.UniqueConstraint(fields=["order", "tracking_number"], name="shipment_unique_number")]
        indexes = [
            models.Index(fields=["merchant", "tracking_number"]),
            models.Index(fields=["delivered", "next_poll_at"]),
        ]

    def __str__(self) -> str:
        return self.tracking_number

    @property
    def carrier_link(self) -> str:
        return self.tracking_url or f"https://www.17track.net/en/track?nums={self.tracking_number}"


class TrackingEvent(MerchantOwned):
    """One scan of a package; unique, so the same event from a webhook and from polling is stored once."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    shipment = models.ForeignKey(Shipment, on_delete=models.CASCADE, related_name="events")
    occurred_at = models.DateTimeField()
    status = models.CharField(max_length=200, blank=True, default="")
    description = models.CharField(max_length=500, blank=True, default="")
    location = models.CharField(max_length=200, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-occurred_at"]
        indexes = [models.Index(fields=["merchant", "-occurred_at"])]  # the store's latest tracking news
        constraints = [
            models.UniqueConstraint(
                fields=["shipment", "occurred_at", "status", "description"], name="tracking_event_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.occurred_at:%Y-%m-%d %H:%M} {self.status}"


class FulfillmentLog(MerchantOwned):
    """Every fulfillment step and its outcome, for the order page and for support."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="logs")
    step = models.CharField(max_length=60)
    outcome = models.CharField(max_length=20, choices=LogOutcome.choices, default=LogOutcome.OK)
    message = models.TextField(blank=True, default="")
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at"]
        indexes = [models.Index(fields=["merchant", "order", "created_at"])]

    def __str__(self) -> str:
        return f"{self.step}: {self.outcome}"


class CommissionEntry(MerchantOwned):
    """The commission ledger: a sale splits the amount between client and platform; refunds reverse it."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="commission_entries")
    kind = models.CharField(max_length=20, choices=CommissionKind.choices)
    amount = _money()
    client_share = _money()
    platform_share = _money()
    client_rate = models.DecimalField(max_digits=5, decimal_places=4)
    platform_rate = models.DecimalField(max_digits=5, decimal_places=4)
    currency = models.CharField(max_length=3, default="USD")
    note = models.CharField(max_length=300, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at"]
        verbose_name_plural = "commission entries"
        constraints = [
            models.UniqueConstraint(
                fields=["order"], condition=models.Q(kind=CommissionKind.SALE), name="commission_one_sale_per_order"
            ),
            models.CheckConstraint(
                # Rounded to cents: SQLite (the demo) adds decimals as floats, 29.55 + 68.96 != 98.51 there.
                condition=models.Q(amount=Round(models.F("client_share") + models.F("platform_share"), 2)),
                name="commission_parts_sum_to_whole",
            ),
        ]
        indexes = [models.Index(fields=["merchant", "created_at"])]

    def __str__(self) -> str:
        return f"{self.kind} {self.amount}"


auditlog.register(Order, exclude_fields=["updated_at", "submission"])
auditlog.register(FulfillmentSettings)
