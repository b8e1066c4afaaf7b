from django.db import migrations

SCHEDULES = [
    # name, task, seconds
    ("orders: send due supplier submissions", "orders.tasks.sweep_submissions_task", 30),
    ("orders: process stored webhooks", "orders.tasks.sweep_webhooks_task", 60),
    ("orders: poll tracking", "orders.tasks.poll_tracking_task", 900),
]


def create_schedules(apps, schema_editor):  # noqa: ANN001, ANN201
    interval_model = apps.get_model("django_celery_beat", "IntervalSchedule")
    task_model = apps.get_model("django_celery_beat", "PeriodicTask")
    for name, task, seconds in SCHEDULES:
        interval, _ = interval_model.objects.get_or_create(every=seconds, period="seconds")
        task_model.objects.update_or_create(name=name, defaults={"task": task, "interval": interval, "enabled": True})


def remove_schedules(apps, schema_editor):  # noqa: ANN001, ANN201
    names = [name for name, _, _ in SCHEDULES]
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name__in=names).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("orders", "0001_orders_fulfillment_ledger_inbox"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]
    operations = [migrations.RunPython(create_schedules, remove_schedules)]
