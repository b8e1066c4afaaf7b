from django.db import migrations


def create_heartbeat(apps, schema_editor):  # noqa: ANN001, ANN201
    interval_model = apps.get_model("django_celery_beat", "IntervalSchedule")
    task_model = apps.get_model("django_celery_beat", "PeriodicTask")
    every_30s, _ = interval_model.objects.get_or_create(every=30, period="seconds")
    task_model.objects.update_or_create(
        name="health heartbeat",
        defaults={"task": "nexusone.core.tasks.heartbeat", "interval": every_30s, "enabled": True},
    )


def remove_heartbeat(apps, schema_editor):  # noqa: ANN001, ANN201
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name="health heartbeat").delete()


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial"), ("django_celery_beat", "0019_alter_periodictasks_options")]
    operations = [migrations.RunPython(create_heartbeat, remove_heartbeat)]
