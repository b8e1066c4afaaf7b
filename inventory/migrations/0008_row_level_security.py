"""Row-level security on this app's tenant tables (nexusone.core.migration_ops.EnableRowLevelSecurity)."""

from django.db import migrations

from nexusone.core.migration_ops import EnableRowLevelSecurity


class Migration(migrations.Migration):
    dependencies = [
        ("inventory", "0007_product_freshness"),
    ]

    operations = [
        EnableRowLevelSecurity("Category"),
        EnableRowLevelSecurity("InventorySettings"),
        EnableRowLevelSecurity("PricingRule"),
        EnableRowLevelSecurity("Product"),
        EnableRowLevelSecurity("ProductFreshness"),
        EnableRowLevelSecurity("StockAlert"),
        EnableRowLevelSecurity("SyncChange"),
        EnableRowLevelSecurity("SyncRun"),
        EnableRowLevelSecurity("Tag"),
        EnableRowLevelSecurity("Variant"),
    ]
