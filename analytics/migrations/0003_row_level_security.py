"""Row-level security on this app's tenant tables (nexusone.core.migration_ops.EnableRowLevelSecurity)."""

from django.db import migrations

from nexusone.core.migration_ops import EnableRowLevelSecurity


class Migration(migrations.Migration):
    dependencies = [
        ("analytics", "0002_stock_snapshot_schedule"),
    ]

    operations = [
        EnableRowLevelSecurity("MerchantDay"),
        EnableRowLevelSecurity("OrderFact"),
        EnableRowLevelSecurity("ProductDay"),
        EnableRowLevelSecurity("Rating"),
        EnableRowLevelSecurity("StockDay"),
    ]
