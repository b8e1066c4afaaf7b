"""ProductWindow: each product's figures over the preset windows, kept by a trigger on the product days.

Every writer of analytics_productday (record_order, rebuild, seeding in bulk) changes lines, units, revenue or
cost of a row; the trigger adds the row's difference (counting rows with lines only, as the reports do) to
every window of its product whose days hold the row's day, relative to the store's `windows_as_of`. A day
after `windows_as_of` is not added: moving the windows to a new day reads it (analytics.actions.windows).
Product days are deleted only with their product (or store), whose window rows go with it: no DELETE trigger.
On SQLite (the demo) nothing is installed and the reports read the product days.
"""

from decimal import Decimal

import django.db.models.deletion
from django.db import migrations, models

from nexusone.core.migration_ops import EnableRowLevelSecurity

INSTALL = """
CREATE OR REPLACE FUNCTION analytics_product_window() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    as_of date;
    d_lines integer := CASE WHEN NEW.lines > 0 THEN NEW.lines ELSE 0 END;
    d_units integer := CASE WHEN NEW.lines > 0 THEN NEW.units ELSE 0 END;
    d_revenue numeric := CASE WHEN NEW.lines > 0 THEN NEW.revenue ELSE 0 END;
    d_cost numeric := CASE WHEN NEW.lines > 0 THEN NEW.cost ELSE 0 END;
BEGIN
    IF TG_OP = 'UPDATE' AND OLD.lines > 0 THEN
        d_lines := d_lines - OLD.lines;
        d_units := d_units - OLD.units;
        d_revenue := d_revenue - OLD.revenue;
        d_cost := d_cost - OLD.cost;
    END IF;
    SELECT windows_as_of INTO as_of FROM analytics_rollupversion WHERE merchant_id = NEW.merchant_id;
    IF as_of IS NULL OR NEW.day > as_of THEN
        RETURN NULL;
    END IF;
    INSERT INTO analytics_productwindow (merchant_id, product_id, days, lines, units, revenue, cost)
    SELECT NEW.merchant_id, NEW.product_id, w.days, d_lines, d_units, d_revenue, d_cost
    FROM unnest(ARRAY[7, 14, 28, 30, 60, 90]) AS w(days)
    WHERE NEW.day > as_of - w.days
    ON CONFLICT (merchant_id, product_id, days) DO UPDATE SET
        lines = analytics_productwindow.lines + EXCLUDED.lines,
        units = analytics_productwindow.units + EXCLUDED.units,
        revenue = analytics_productwindow.revenue + EXCLUDED.revenue,
        cost = analytics_productwindow.cost + EXCLUDED.cost;
    RETURN NULL;
END $$;

CREATE TRIGGER analytics_product_window_insert AFTER INSERT ON analytics_productday FOR EACH ROW
    WHEN (NEW.lines > 0)
    EXECUTE FUNCTION analytics_product_window();

CREATE TRIGGER analytics_product_window_update AFTER UPDATE ON analytics_productday FOR EACH ROW
    WHEN (OLD.lines IS DISTINCT FROM NEW.lines OR OLD.units IS DISTINCT FROM NEW.units
          OR OLD.revenue IS DISTINCT FROM NEW.revenue OR OLD.cost IS DISTINCT FROM NEW.cost)
    EXECUTE FUNCTION analytics_product_window();
"""

UNINSTALL = """
DROP TRIGGER IF EXISTS analytics_product_window_insert ON analytics_productday;
DROP TRIGGER IF EXISTS analytics_product_window_update ON analytics_productday;
DROP FUNCTION IF EXISTS analytics_product_window();
"""


def install_triggers(apps, schema_editor) -> None:  # noqa: ANN001
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(INSTALL)


def remove_triggers(apps, schema_editor) -> None:  # noqa: ANN001
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(UNINSTALL)


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0010_row_level_security'),
        ('analytics', '0004_rollup_version'),
        ('inventory', '0010_inventorysettings_price_cycle'),
    ]

    operations = [
        migrations.AddField(
            model_name='rollupversion',
            name='windows_as_of',
            field=models.DateField(blank=True, help_text='The store day the ProductWindow rows end on; empty: not built yet.', null=True),
        ),
        migrations.CreateModel(
            name='ProductWindow',
            fields=[
                ('id', models.BigAutoField(primary_key=True, serialize=False)),
                ('days', models.PositiveSmallIntegerField()),
                ('lines', models.IntegerField(default=0)),
                ('units', models.IntegerField(default=0)),
                ('revenue', models.DecimalField(decimal_places=2, default=Decimal('0.00'), max_digits=14)),
                ('cost', models.DecimalField(decimal_places=2, default=Decimal('0.00'), max_digits=14)),
                ('merchant', models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='accounts.merchant')),
                ('product', models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='inventory.product')),
            ],
            options={
                'indexes': [models.Index(fields=['merchant', 'days', '-revenue', 'product'], name='product_window_top')],
                'constraints': [models.UniqueConstraint(fields=('merchant', 'product', 'days'), name='product_window_unique')],
            },
        ),
        migrations.RunPython(install_triggers, remove_triggers),
        EnableRowLevelSecurity("ProductWindow"),
    ]
