from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import serializers

from nexusone.accounts.choices import SyncFrequency
from nexusone.core.api import api_validation_error
from nexusone.core.serializers import StrictFieldsMixin

from .. import actions
from ..choices import MarkupType, OutOfStockAction, PriceCycle
from ..models import (
    DEFAULT_LOW_STOCK_THRESHOLD,
    MAX_LOW_STOCK_THRESHOLD,
    MAX_TAGS_PER_PRODUCT,
    Category,
    Product,
    StockAlert,
    SyncChange,
    SyncRun,
    Variant,
)
from ..pricing import PriceRule, clean_markup


class MarkupField(serializers.JSONField):
    def to_internal_value(self, data):
        data = super().to_internal_value(data)
        try:
            return clean_markup(data)
        except DjangoValidationError as exc:
            raise serializers.ValidationError(exc.message_dict["markup"]) from None


class CategoryField(serializers.CharField):
    """A product's category: read as its name; written as a name (created when new) or an existing category's id."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("help_text", "The category's name; a new name creates it (an existing id works too).")
        super().__init__(allow_null=True, allow_blank=True, required=False, max_length=200, **kwargs)

    def to_internal_value(self, data: Any) -> str:
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)

    def to_representation(self, category: Category) -> str:
        return category.name


class TagNamesField(serializers.ListField):
    """A product's tags as names, read and written; new names create tags."""

    child = serializers.CharField(max_length=100)

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(max_length=MAX_TAGS_PER_PRODUCT, **kwargs)

    def to_representation(self, tags: Any) -> list[str]:
        return [tag.name for tag in tags.all()]


def optional_url() -> serializers.CharField:
    """A URL or "" (none known): as a plain string, since OpenAPI's `uri` format refuses the empty one."""
    return serializers.CharField(read_only=True, help_text='A URL, or "" when none is known.')


class VariantSerializer(serializers.ModelSerializer):
    image_url = optional_url()

    class Meta:
        model = Variant
        fields = [
            "id",
            "external_id",
            "sku",
            "name",
            "attributes",
            "image_url",
            "cost_price",
            "price",
            "stock_quantity",
            "supplier_stock",
            "reserved_quantity",
        ]
        read_only_fields = fields


READ_ONLY_PRODUCT_FIELDS = [
    "id",
    "external_id",
    "supplier",
    "sku",
    "image_url",
    "source_url",
    "cost_price",
    "currency",
    "stock_quantity",
    "supplier_stock",
    "reserved_quantity",
    "stock_status",
    "is_available",
    "margin",
    "category_id",
    "variants",
    "last_sync_at",
    "created_at",
    "updated_at",
]


class ProductSerializer(StrictFieldsMixin, serializers.ModelSerializer):
    price = serializers.DecimalField(max_digits=12, decimal_places=2, min_value=Decimal("0"), required=False)
    markup = MarkupField(required=False)
    low_stock_threshold = serializers.IntegerField(
        min_value=0, max_value=MAX_LOW_STOCK_THRESHOLD, allow_null=True, required=False
    )
    category = CategoryField()
    category_id = serializers.UUIDField(read_only=True, allow_null=True)
    tags = TagNamesField(required=False)
    stock_status = serializers.SerializerMethodField()
    margin = serializers.DecimalField(max_digits=6, decimal_places=1, read_only=True)
    variants = VariantSerializer(many=True, read_only=True)
    image_url = optional_url()
    source_url = optional_url()

    class Meta:
        model = Product
        fields = [
            "id",
            "external_id",
            "supplier",
            "name",
            "sku",
            "image_url",
            "source_url",
            "cost_price",
            "price",
            "currency",
            "markup",
            "price_locked",
            "stock_quantity",
            "supplier_stock",
            "reserved_quantity",
            "stock_status",
            "is_active",
            "is_available",
            "low_stock_threshold",
            "margin",
            "category",
            "category_id",
            "tags",
            "variants",
            "last_sync_at",
            "created_at",
            "updated_at",
        ]
        read_only_fields = READ_ONLY_PRODUCT_FIELDS

    def get_stock_status(self, product: Product) -> str:
        return product.stock_status(self.context.get("default_threshold", DEFAULT_LOW_STOCK_THRESHOLD))

    def update(self, product: Product, validated_data: dict) -> Product:
        try:
            return actions.update_product(product, by=self.context["request"].user, **validated_data)
        except DjangoValidationError as exc:
            raise api_validation_error(exc) from exc


class SyncRunSerializer(serializers.ModelSerializer):
    percent = serializers.IntegerField(read_only=True)

    class Meta:
        model = SyncRun
        fields = [
            "id",
            "trigger",
            "status",
            "is_full",
            "dry_run",
            "product_ids",
            "total",
            "processed",
            "changed",
            "failed",
            "api_calls",
            "percent",
            "errors",
            "started_at",
            "finished_at",
            "created_at",
        ]
        read_only_fields = fields


class SyncStartSerializer(StrictFieldsMixin, serializers.Serializer):
    product_ids = serializers.ListField(child=serializers.UUIDField(), required=False, max_length=10000)

    def validate_product_ids(self, value: list) -> list[str]:
        ids = {str(pid) for pid in value}
        known = {
            str(pk)
            for pk in Product.objects.for_merchant(self.context["merchant"])
            .filter(pk__in=ids)
            .values_list("pk", flat=True)
        }
        unknown = sorted(ids - known)
        if unknown:
            raise serializers.ValidationError(f"Unknown products: {', '.join(unknown[:10])}.")
        return sorted(ids)


class StockAlertSerializer(serializers.ModelSerializer):
    product_id = serializers.UUIDField(read_only=True)
    variant_id = serializers.UUIDField(read_only=True, allow_null=True)
    product_name = serializers.CharField(source="product.name", read_only=True)

    class Meta:
        model = StockAlert
        fields = [
            "id",
            "product_id",
            "variant_id",
            "product_name",
            "kind",
            "state",
            "stock_quantity",
            "threshold",
            "opened_at",
            "notified_at",
            "resolved_at",
        ]
        read_only_fields = fields


class SyncChangeSerializer(serializers.ModelSerializer):
    run_id = serializers.UUIDField(read_only=True, allow_null=True)
    product_id = serializers.UUIDField(read_only=True)
    variant_id = serializers.UUIDField(read_only=True, allow_null=True)
    product_name = serializers.CharField(source="product.name", read_only=True)
    cost_move_percent = serializers.DecimalField(max_digits=8, decimal_places=1, read_only=True, allow_null=True)

    class Meta:
        model = SyncChange
        fields = [
            "id",
            "run_id",
            "product_id",
            "variant_id",
            "product_name",
            "kind",
            "status",
            "old_stock",
            "new_stock",
            "old_cost",
            "new_cost",
            "old_price",
            "new_price",
            "cost_move_percent",
            "note",
            "decided_at",
            "created_at",
        ]
        read_only_fields = fields


class FreshnessPlanSerializer(serializers.Serializer):
    """What the schedule achieves within today's CJ points (read-only; `actions.freshness_plan`)."""

    target = serializers.CharField()
    products = serializers.IntegerField()
    at_target = serializers.IntegerField()
    at_daily = serializers.IntegerField()
    behind = serializers.IntegerField()
    points_needed_per_day = serializers.IntegerField()
    points_available_per_day = serializers.IntegerField()
    next_cycle_at = serializers.DateTimeField(allow_null=True)
    message = serializers.CharField()
    advice = serializers.ListField(child=serializers.CharField())


class InventorySettingsSerializer(StrictFieldsMixin, serializers.Serializer):
    low_stock_threshold = serializers.IntegerField(min_value=0, max_value=MAX_LOW_STOCK_THRESHOLD, required=False)
    sync_frequency = serializers.ChoiceField(choices=SyncFrequency.choices, required=False)
    price_cycle = serializers.ChoiceField(choices=PriceCycle.choices, required=False)
    out_of_stock_action = serializers.ChoiceField(choices=OutOfStockAction.choices, required=False)
    reactivate_when_back = serializers.BooleanField(required=False)
    price_guardrail_percent = serializers.DecimalField(
        max_digits=6, decimal_places=2, min_value=Decimal("0"), required=False
    )
    ship_from_countries = serializers.ListField(
        child=serializers.RegexField(r"^[A-Za-z]{2}$", max_length=2), required=False, max_length=250
    )
    default_markup = MarkupField(required=False)
    round_to_99 = serializers.BooleanField(required=False)
    minimum_profit = serializers.DecimalField(max_digits=10, decimal_places=2, min_value=Decimal("0"), required=False)
    allowed_sync_frequencies = serializers.ListField(read_only=True)
    next_sync_schedule = serializers.CharField(read_only=True, allow_null=True)
    freshness_plan = FreshnessPlanSerializer(read_only=True)

    def to_representation(self, inventory_settings) -> dict:
        rule = inventory_settings.default_pricing_rule
        merchant = inventory_settings.merchant
        from django_celery_beat.models import PeriodicTask

        task = PeriodicTask.objects.filter(name=actions.schedule_name(merchant)).select_related("crontab").first()
        return {
            "low_stock_threshold": inventory_settings.low_stock_threshold,
            "sync_frequency": inventory_settings.sync_frequency,
            "price_cycle": inventory_settings.price_cycle,
            "out_of_stock_action": inventory_settings.out_of_stock_action,
            "reactivate_when_back": inventory_settings.reactivate_when_back,
            "price_guardrail_percent": str(inventory_settings.price_guardrail_percent),
            "ship_from_countries": inventory_settings.ship_from_countries,
            "default_markup": {"type": rule.markup_type, "value": str(rule.markup_value)} if rule else None,
            "round_to_99": rule.round_to_99 if rule else False,
            "minimum_profit": str(rule.minimum_profit) if rule else "0.00",
            "allowed_sync_frequencies": sorted(merchant.capabilities.sync_frequencies),
            "next_sync_schedule": str(task.crontab) if task and task.crontab else None,
            "freshness_plan": FreshnessPlanSerializer(actions.freshness_plan(merchant)).data,
        }

    def to_action_kwargs(self) -> dict:
        data = dict(self.validated_data)
        markup = data.pop("default_markup", None)
        if markup:
            data["markup_type"], data["markup_value"] = markup["type"], Decimal(markup["value"])
        return data


class PricingRuleSerializer(StrictFieldsMixin, serializers.Serializer):
    markup = MarkupField()
    round_to_99 = serializers.BooleanField(required=False, default=False)
    minimum_profit = serializers.DecimalField(
        max_digits=10, decimal_places=2, min_value=Decimal("0"), required=False, default=Decimal("0")
    )

    def validate_markup(self, value: dict) -> dict:
        if not value:
            raise serializers.ValidationError("A markup is required.")
        return value

    def to_rule(self) -> PriceRule:
        data = self.validated_data
        return PriceRule(
            markup_type=MarkupType(data["markup"]["type"]),
            markup_value=Decimal(data["markup"]["value"]),
            round_to_99=data["round_to_99"],
            minimum_profit=data["minimum_profit"],
        )


# --- the sync health panel (read only; fields read from `actions.health` dataclasses) -----------------------------


class _LastSyncSerializer(serializers.Serializer):
    status = serializers.CharField()
    finished_at = serializers.DateTimeField(allow_null=True)
    total = serializers.IntegerField()
    processed = serializers.IntegerField()
    changed = serializers.IntegerField()
    failed = serializers.IntegerField()
    error = serializers.CharField()


class _FreshnessSerializer(serializers.Serializer):
    total = serializers.IntegerField()
    last_hour = serializers.IntegerField(help_text="Stock read within the last hour.")
    last_day = serializers.IntegerField(help_text="Stock read within the last day, not the last hour.")
    older = serializers.IntegerField()
    never = serializers.IntegerField()


class _PointsSerializer(serializers.Serializer):
    budget = serializers.IntegerField()
    used = serializers.IntegerField()
    remaining = serializers.IntegerField()
    reserve = serializers.IntegerField(help_text="Kept for imports, shipping quotes and order-time checks.")
    percent_used = serializers.IntegerField()
    resets_at = serializers.DateTimeField()
    paused_until = serializers.DateTimeField(allow_null=True)
    projected_at_reset = serializers.IntegerField(allow_null=True, help_text="Null: too early in the UTC day.")
    syncs_pause_at = serializers.DateTimeField(allow_null=True)
    runs_out_at = serializers.DateTimeField(allow_null=True)
    message = serializers.CharField(source="sentence")


class _QueueSerializer(serializers.Serializer):
    waiting = serializers.IntegerField()
    oldest_at = serializers.DateTimeField(allow_null=True)
    lag_seconds = serializers.FloatField(source="seconds", allow_null=True)
    broker_readable = serializers.BooleanField(source="readable")


class _SupplierSerializer(serializers.Serializer):
    connected = serializers.BooleanField()
    token_expires_at = serializers.DateTimeField(allow_null=True)
    refresh_token_expires_at = serializers.DateTimeField(source="refresh_expires_at", allow_null=True)
    circuit = serializers.CharField(help_text="closed, open or half-open")


class _SubscriptionsSerializer(serializers.Serializer):
    subscribed = serializers.IntegerField()
    total = serializers.IntegerField()


class _LastMessageSerializer(serializers.Serializer):
    topic = serializers.CharField()
    action = serializers.CharField()
    received_at = serializers.DateTimeField()
    state = serializers.CharField()


class _ProblemSerializer(serializers.Serializer):
    weight = serializers.IntegerField(help_text="1: worth a look, 2: needs attention, 3: broken")
    text = serializers.CharField()


class SyncHealthSerializer(serializers.Serializer):
    checked_at = serializers.DateTimeField()
    all_well = serializers.BooleanField()
    problems = _ProblemSerializer(many=True)
    plan_message = serializers.CharField(allow_null=True)
    last_sync = _LastSyncSerializer(allow_null=True)
    next_sync_at = serializers.DateTimeField(source="next_cycle_at", allow_null=True)
    freshness = _FreshnessSerializer()
    points = _PointsSerializer(allow_null=True)
    queue = _QueueSerializer()
    supplier = _SupplierSerializer()
    subscriptions = _SubscriptionsSerializer()
    last_message = _LastMessageSerializer(allow_null=True)
