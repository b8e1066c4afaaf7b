"""The webhook inbox now belongs to the supplier layer (suppliers.0005 adopted the table); orders forgets it."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("orders", "0005_drop_redundant_merchant_indexes"),
        ("suppliers", "0005_webhook_inbox_from_orders"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(state_operations=[migrations.DeleteModel(name="WebhookMessage")]),
    ]
