from django.db import models
from django.test.utils import isolate_apps

from nexusone.core.checks import tenant_tables_indexed_by_merchant
from nexusone.core.tenancy import MerchantOwned


@isolate_apps("nexusone.core")
def test_a_tenant_table_without_a_merchant_led_index_is_an_error():
    class Note(MerchantOwned):
        title = models.CharField(max_length=20)

        class Meta:
            app_label = "core"
            indexes = [models.Index(fields=["title", "merchant"])]

    errors = tenant_tables_indexed_by_merchant(models=[Note])

    assert [e.id for e in errors] == ["nexusone.E001"]
    assert "core.Note" in errors[0].msg


@isolate_apps("nexusone.core")
def test_an_index_or_unique_constraint_led_by_merchant_satisfies_the_check():
    class Indexed(MerchantOwned):
        title = models.CharField(max_length=20)

        class Meta:
            app_label = "core"
            indexes = [models.Index(fields=["merchant", "-title"])]

    class Unique(MerchantOwned):
        title = models.CharField(max_length=20)

        class Meta:
            app_label = "core"
            constraints = [models.UniqueConstraint(fields=["merchant", "title"], name="unique_title")]

    assert tenant_tables_indexed_by_merchant(models=[Indexed, Unique]) == []


def test_every_tenant_table_of_the_project_is_led_by_a_merchant_index():
    assert tenant_tables_indexed_by_merchant() == []


@isolate_apps("nexusone.core")
def test_a_partial_index_led_by_merchant_does_not_count():
    class Job(MerchantOwned):
        running = models.BooleanField(default=False)

        class Meta:
            app_label = "core"
            constraints = [
                models.UniqueConstraint(fields=["merchant"], condition=models.Q(running=True), name="one_running_job")
            ]

    assert [e.id for e in tenant_tables_indexed_by_merchant(models=[Job])] == ["nexusone.E001"]


def test_the_deploy_check_warns_when_billing_takes_no_payment_outside_debug(settings):
    from nexusone.core.checks import billing_takes_payment_in_production

    settings.DEBUG, settings.BILLING_PROVIDER = False, "manual"
    assert [w.id for w in billing_takes_payment_in_production()] == ["nexusone.W004"]

    settings.BILLING_PROVIDER = "stripe"
    assert billing_takes_payment_in_production() == []

    settings.DEBUG, settings.BILLING_PROVIDER = True, "manual"
    assert billing_takes_payment_in_production() == []
