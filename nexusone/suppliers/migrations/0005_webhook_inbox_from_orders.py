"""The webhook inbox moves from orders to the supplier layer: the same rows, table and index renamed."""

import uuid

import django.db.models.deletion
from django.db import migrations, models

FIELDS = [
    ("id", models.UUIDField(default=uuid.uuid4, editable=False, primary_key=True, serialize=False)),
    ("source", models.CharField(default="cj", max_length=20)),
    ("message_id", models.CharField(max_length=100)),
    ("topic", models.CharField(blank=True, default="", max_length=30)),
    ("action", models.CharField(blank=True, default="", max_length=30)),
    ("payload", models.JSONField(blank=True, default=dict)),
    ("raw_body", models.TextField(blank=True, default="")),
    (
        "state",
        models.CharField(
            choices=[
                ("received", "Received"),
                ("processing", "Claimed by a worker"),
                ("processed", "Processed"),
                ("ignored", "Ignored"),
                ("failed", "Failed"),
            ],
            default="received",
            max_length=20,
        ),
    ),
    ("note", models.TextField(blank=True, default="")),
    ("attempts", models.PositiveIntegerField(default=0)),
    ("received_at", models.DateTimeField(auto_now_add=True)),
    ("processed_at", models.DateTimeField(blank=True, null=True)),
    (
        "merchant",
        models.ForeignKey(
            blank=True,
            null=True,
            on_delete=django.db.models.deletion.CASCADE,
            related_name="+",
            to="accounts.merchant",
        ),
    ),
]


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_drop_redundant_merchant_indexes"),
        ("orders", "0005_drop_redundant_merchant_indexes"),
        ("suppliers", "0004_drop_redundant_merchant_indexes"),
    ]

    operations = [
        # Adopt orders' table as it stands (orders.0006 forgets it), then give it this app's names.
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="WebhookMessage",
                    fields=FIELDS,
                    options={
                        "ordering": ["-received_at"],
                        "db_table": "orders_webhookmessage",
                        "indexes": [
                            models.Index(fields=["state", "received_at"], name="orders_webh_state_8440c9_idx"),
                            models.Index(fields=["merchant", "-received_at"], name="orders_webh_merchan_f3472e_idx"),
                        ],
                        "constraints": [
                            models.UniqueConstraint(fields=("source", "message_id"), name="webhook_unique_message")
                        ],
                    },
                )
            ]
        ),
        migrations.AlterModelTable(name="webhookmessage", table=None),
        migrations.RenameIndex(
            model_name="webhookmessage", new_name="webhook_inbox_state", old_name="orders_webh_state_8440c9_idx"
        ),
        migrations.RenameIndex(
            model_name="webhookmessage",
            new_name="webhook_inbox_merchant_recent",
            old_name="orders_webh_merchan_f3472e_idx",
        ),
    ]
