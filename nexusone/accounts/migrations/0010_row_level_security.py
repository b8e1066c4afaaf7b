"""Row-level security on this app's tenant tables (nexusone.core.migration_ops.EnableRowLevelSecurity)."""

from django.db import migrations

from nexusone.core.migration_ops import EnableRowLevelSecurity


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0009_merchant_timezone_currency"),
    ]

    operations = [
        EnableRowLevelSecurity("BillingAccount"),
        EnableRowLevelSecurity("BillingEvent", insert_without_merchant=True),
        EnableRowLevelSecurity("DataExport"),
        EnableRowLevelSecurity("Invitation"),
        EnableRowLevelSecurity("Membership", user_column="user_id"),
    ]
