"""Row-level security on this app's tenant tables (nexusone.core.migration_ops.EnableRowLevelSecurity)."""

from django.db import migrations

from nexusone.core.migration_ops import EnableRowLevelSecurity


class Migration(migrations.Migration):
    dependencies = [
        ("orders", "0006_webhook_inbox_to_suppliers"),
    ]

    operations = [
        EnableRowLevelSecurity("CommissionEntry"),
        EnableRowLevelSecurity("FulfillmentLog"),
        EnableRowLevelSecurity("FulfillmentSettings"),
        EnableRowLevelSecurity("Order"),
        EnableRowLevelSecurity("OrderLine"),
        EnableRowLevelSecurity("OrderStatusEvent"),
        EnableRowLevelSecurity("Shipment"),
        EnableRowLevelSecurity("SupplierSubmission"),
        EnableRowLevelSecurity("TrackingEvent"),
    ]
