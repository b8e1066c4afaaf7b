"""Row-level security on this app's tenant tables (nexusone.core.migration_ops.EnableRowLevelSecurity)."""

from django.db import migrations

from nexusone.core.migration_ops import EnableRowLevelSecurity


class Migration(migrations.Migration):
    dependencies = [
        ("extension_auth", "0002_drop_redundant_merchant_indexes"),
    ]

    operations = [
        EnableRowLevelSecurity("ExtensionSession"),
    ]
