"""The periodic sweep of stored webhooks is the supplier layer's task now."""

from django.db import migrations

OLD = ("orders: process stored webhooks", "orders.tasks.sweep_webhooks_task")
NEW = ("process stored supplier webhooks", "nexusone.suppliers.tasks.sweep_webhooks")


def rename(apps, before, after) -> None:  # noqa: ANN001
    task_model = apps.get_model("django_celery_beat", "PeriodicTask")
    task_model.objects.filter(name=before[0]).update(name=after[0], task=after[1])


def forwards(apps, schema_editor):  # noqa: ANN001, ANN201
    rename(apps, OLD, NEW)


def backwards(apps, schema_editor):  # noqa: ANN001, ANN201
    rename(apps, NEW, OLD)


class Migration(migrations.Migration):
    dependencies = [
        ("suppliers", "0005_webhook_inbox_from_orders"),
        ("orders", "0002_fulfillment_schedules"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]
    operations = [migrations.RunPython(forwards, backwards)]
