"""Row-level security on this app's tenant tables (nexusone.core.migration_ops.EnableRowLevelSecurity)."""

from django.db import migrations

from nexusone.core.migration_ops import EnableRowLevelSecurity


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0005_event_type_billing"),
    ]

    operations = [
        EnableRowLevelSecurity("Event"),
        EnableRowLevelSecurity("Notification"),
        EnableRowLevelSecurity("NotificationPreferences"),
        EnableRowLevelSecurity("WebhookDelivery"),
        EnableRowLevelSecurity("WebhookEndpoint"),
    ]
