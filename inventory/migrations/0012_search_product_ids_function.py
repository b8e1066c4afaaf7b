"""`inventory_search_product_ids(term)`: the current store's products whose name or SKU, or a variant's SKU,
holds `term` (already escaped for LIKE), for the product list's `search`. PostgreSQL only.

Under row-level security PostgreSQL cannot use the trigram indexes (migration 0006) for a search: LIKE is not
leakproof, so it is never evaluated ahead of the policy, and a search read every product of the store. The
function runs as its owner (SECURITY DEFINER), which can use them when it bypasses row-level security (a
superuser, or a role with BYPASSRLS: see the README), and it reads only the store the caller's
`app.merchant_id` names, as the policies do. EXECUTE plans each call with the term known, so a rare term
takes the trigram indexes and a common one the merchant's. Only the application roles may call it
(`manage.py db_roles` grants EXECUTE; `migrate` re-grants).
"""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION inventory_search_product_ids(term text) RETURNS SETOF uuid
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    RETURN QUERY EXECUTE
        'SELECT p.id FROM inventory_product p
         WHERE p.merchant_id = $1 AND (UPPER(p.name::text) LIKE $2 OR UPPER(p.sku::text) LIKE $2)
         UNION
         SELECT v.product_id FROM inventory_variant v WHERE v.merchant_id = $1 AND UPPER(v.sku::text) LIKE $2'
    USING NULLIF(current_setting('app.merchant_id', true), '')::uuid, '%' || UPPER(term) || '%';
END
$$;
REVOKE ALL ON FUNCTION inventory_search_product_ids(text) FROM PUBLIC
"""
DROP = "DROP FUNCTION IF EXISTS inventory_search_product_ids(text)"


def _on_postgresql(statement: str):
    def run(apps, schema_editor) -> None:
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(statement, params=None)  # the body has literal % signs

    return run


class Migration(migrations.Migration):
    dependencies = [("inventory", "0011_refuse_reservation_function")]

    operations = [migrations.RunPython(_on_postgresql(CREATE), _on_postgresql(DROP))]
