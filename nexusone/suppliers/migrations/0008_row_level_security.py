"""Row-level security on this app's tenant tables (nexusone.core.migration_ops.EnableRowLevelSecurity)."""

from django.db import migrations

from nexusone.core.migration_ops import EnableRowLevelSecurity


class Migration(migrations.Migration):
    dependencies = [
        ("suppliers", "0007_supplieraccount_best_monthly_sales"),
    ]

    operations = [
        EnableRowLevelSecurity("SupplierAccount"),
        EnableRowLevelSecurity("SupplierCallLog"),
        EnableRowLevelSecurity("WebhookMessage", insert_without_merchant=True),
    ]
