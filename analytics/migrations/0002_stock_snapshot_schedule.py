from django.db import migrations

NAME = "analytics stock snapshot"


def create_schedule(apps, schema_editor):  # noqa: ANN001, ANN201
    interval_model = apps.get_model("django_celery_beat", "IntervalSchedule")
    task_model = apps.get_model("django_celery_beat", "PeriodicTask")
    hourly, _ = interval_model.objects.get_or_create(every=1, period="hours")
    task_model.objects.update_or_create(
        name=NAME, defaults={"task": "analytics.tasks.snapshot_stock_task", "interval": hourly, "enabled": True}
    )


def remove_schedule(apps, schema_editor):  # noqa: ANN001, ANN201
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=NAME).delete()


class Migration(migrations.Migration):
    dependencies = [("analytics", "0001_initial"), ("django_celery_beat", "0019_alter_periodictasks_options")]
    operations = [migrations.RunPython(create_schedule, remove_schedule)]
