from django.db import migrations


def create_schedule(apps, schema_editor):  # noqa: ANN001, ANN201
    interval_model = apps.get_model("django_celery_beat", "IntervalSchedule")
    task_model = apps.get_model("django_celery_beat", "PeriodicTask")
    daily, _ = interval_model.objects.get_or_create(every=1, period="days")
    task_model.objects.update_or_create(
        name="prune supplier call logs",
        defaults={"task": "nexusone.suppliers.tasks.prune_call_logs", "interval": daily, "enabled": True},
    )


def remove_schedule(apps, schema_editor):  # noqa: ANN001, ANN201
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name="prune supplier call logs").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("suppliers", "0002_account_level_sandbox_call_log"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]
    operations = [migrations.RunPython(create_schedule, remove_schedule)]
