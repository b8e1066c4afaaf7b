"""Row-level security on this app's tenant tables (nexusone.core.migration_ops.EnableRowLevelSecurity)."""

from django.db import migrations

from nexusone.core.migration_ops import EnableRowLevelSecurity


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0004_live_event_feed"),
    ]

    operations = [
        EnableRowLevelSecurity("AuditEvent", insert_without_merchant=True),
        EnableRowLevelSecurity("LiveEvent"),
    ]
