from django.db import migrations

NAME = "notifications sweep"


def create_schedule(apps, schema_editor):  # noqa: ANN001, ANN201
    interval_model = apps.get_model("django_celery_beat", "IntervalSchedule")
    task_model = apps.get_model("django_celery_beat", "PeriodicTask")
    every_30s, _ = interval_model.objects.get_or_create(every=30, period="seconds")
    task_model.objects.update_or_create(
        name=NAME,
        defaults={
            "task": "nexusone.notifications.tasks.sweep_notifications_task",
            "interval": every_30s,
            "enabled": True,
        },
    )


def remove_schedule(apps, schema_editor):  # noqa: ANN001, ANN201
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0003_events_preferences_webhooks"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]
    operations = [migrations.RunPython(create_schedule, remove_schedule)]
