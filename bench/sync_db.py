"""Benchmark: the inventory sync's DB write phase against a raw COPY + UPDATE … FROM baseline.

One merchant with 100,000 products (one variant each) among 1,000,000 products in all;
5% of that merchant's products change stock, cost and price. Both methods write the same
rows (product and variant) in the same run; the figure is rows written per second.

    make bench                                    # via the Makefile's TEST_ENV (PostgreSQL)
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/nexusone python bench/sync_db.py --scale 0.1

The data lives in its own database (`<name>_bench_sync`), kept between runs so a second run
skips seeding; `--fresh` rebuilds it.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path

import _setup  # noqa: F401 - first: `http` must be the standard library's (bench/http.py shares its name)

# isort: split
from urllib.parse import urlparse, urlunparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--total", type=int, default=1_000_000, help="products in the table, all merchants")
    parser.add_argument("--merchant-products", type=int, default=100_000, help="products of the synced merchant")
    parser.add_argument("--scale", type=float, default=1.0, help="multiply both sizes (e.g. 0.1 for a quick run)")
    parser.add_argument("--changed", type=float, default=0.05, help="share of the merchant's products that changed")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--fresh", action="store_true", help="drop and rebuild the benchmark database")
    return parser.parse_args()


def bench_database_url() -> tuple[str, str, str]:
    # As the tables' owner (DATABASE_OWNER_URL when set): it creates its own database and times the write SQL
    # itself; what row-level security adds to a request is measured by bench/orders.py.
    base = (
        os.environ.get("DATABASE_OWNER_URL")
        or os.environ.get("DATABASE_URL")
        or "postgres://postgres@127.0.0.1:5432/nexusone"
    )
    parsed = urlparse(base)
    if not parsed.scheme.startswith("postgres"):
        sys.exit("bench/sync_db.py measures PostgreSQL: set DATABASE_URL to a postgres:// URL (make bench does).")
    name = f"{parsed.path.lstrip('/') or 'nexusone'}_bench_sync"
    admin = urlunparse(parsed._replace(path="/postgres"))
    return urlunparse(parsed._replace(path=f"/{name}")), admin, name


def ensure_database(admin_url: str, name: str, fresh: bool) -> None:
    import psycopg

    with psycopg.connect(admin_url, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if exists and fresh:
            conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
            exists = None
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')


def seed(total: int, merchant_products: int) -> str:
    """Merchants and products via generate_series (fast); returns the synced merchant's id."""
    from django.db import connection, transaction

    from nexusone.accounts.models import Merchant

    target = Merchant.objects.filter(name="Bench target").first()
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM inventory_product")
        have = cursor.fetchone()[0]
    if target is not None and have == total:
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM inventory_product WHERE merchant_id = %s", [target.pk])
            if cursor.fetchone()[0] == merchant_products:
                print(f"seed: reusing {have:,} products")
                return str(target.pk)
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("TRUNCATE inventory_variant, inventory_product CASCADE")
        Merchant.objects.filter(name__startswith="Bench ").delete()
        target = Merchant.objects.create(name="Bench target", plan="premium")
        others, remaining = [], total - merchant_products
        per_other = max(merchant_products, 1)
        while remaining > 0:
            size = min(per_other, remaining)
            others.append((Merchant.objects.create(name=f"Bench other {len(others) + 1}", plan="premium"), size))
            remaining -= size
        for merchant, size in [(target, merchant_products), *others]:
            cursor.execute(
                """INSERT INTO inventory_product (id, merchant_id, supplier, external_id, name, sku, image_url,
                       source_url, cost_price, price, currency, markup, price_locked, stock_quantity,
                       supplier_stock, reserved_quantity, is_active, is_available, supplier_data, created_at,
                       updated_at, auto_deactivated, missing_count)
                SELECT gen_random_uuid(), %s, 'cj', 'PID-' || g, 'Product ' || g, 'SKU' || g, '', '',
                       4.00, 5.60, 'USD', '{}'::jsonb, false, 20 + (g %% 50), 20 + (g %% 50), 0, true, true,
                       '{}'::jsonb, now(), now(), false, 0
                FROM generate_series(1, %s) AS g""",
                [merchant.pk, size],
            )
        cursor.execute(
            """INSERT INTO inventory_variant (id, merchant_id, product_id, external_id, sku, name, attributes,
                   image_url, cost_price, price, stock_quantity, supplier_stock, reserved_quantity, created_at,
                   updated_at)
            SELECT gen_random_uuid(), p.merchant_id, p.id, p.external_id || '-V1', p.sku || '-1', p.name, '{}'::jsonb,
                   '', p.cost_price, p.price, p.stock_quantity, p.supplier_stock, 0, now(), now()
            FROM inventory_product p"""
        )
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE inventory_product")
        cursor.execute("VACUUM ANALYZE inventory_variant")
    print(f"seed: {total:,} products and variants in {time.perf_counter() - started:.1f} s")
    return str(target.pk)


def pick_changed(merchant_id: str, share: float) -> list[dict]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT p.id, p.supplier_stock, v.id, v.supplier_stock FROM inventory_product p
            JOIN inventory_variant v ON v.product_id = p.id WHERE p.merchant_id = %s""",
            [merchant_id],
        )
        rows = cursor.fetchall()
    random.seed(2026)
    chosen = random.sample(rows, max(1, int(len(rows) * share)))
    return [{"product": r[0], "product_stock": r[1], "variant": r[2], "variant_stock": r[3]} for r in chosen]


def next_values(changed: list[dict], round_no: int) -> tuple[list, list]:
    """New stock/cost/price for every chosen row; `old_stock` is what the row holds now."""
    from inventory.actions import ProductRow, VariantRow

    products, variants = [], []
    for i, row in enumerate(changed):
        stock = (row["product_stock"] + 7 + round_no + i) % 200
        cost = Decimal("4.00") + Decimal(round_no % 5) / 10
        price = (cost * Decimal("1.4")).quantize(Decimal("0.01"))
        products.append(ProductRow(row["product"], row["product_stock"], stock, cost, price, stock > 0, True, False, 0))
        variants.append(VariantRow(row["variant"], row["variant_stock"], stock, cost, price))
        row["product_stock"] = row["variant_stock"] = stock
    return products, variants


def ours(merchant_id: str, products: list, variants: list) -> float:
    from django.db import transaction

    from inventory.actions import write_changed_rows

    started = time.perf_counter()
    with transaction.atomic():
        skipped = write_changed_rows(merchant_id, products, variants)
    elapsed = time.perf_counter() - started
    assert skipped == 0, f"{skipped} rows were not written"
    return elapsed


def baseline(products: list, variants: list) -> float:
    """COPY the same values into temp tables, then one UPDATE … FROM per table."""
    from django.db import connection, transaction

    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as wrapper:
        cursor = wrapper.cursor
        cursor.execute(
            """CREATE TEMP TABLE bench_p (id uuid, stock integer, cost numeric, price numeric, active boolean,
                   available boolean, auto boolean, missing smallint) ON COMMIT DROP;
               CREATE TEMP TABLE bench_v (id uuid, stock integer, cost numeric, price numeric) ON COMMIT DROP"""
        )
        with cursor.copy("COPY bench_p FROM STDIN") as copy:
            for r in products:
                copy.write_row(
                    (
                        r.id,
                        r.supplier_stock,
                        r.cost_price,
                        r.price,
                        r.is_active,
                        r.is_available,
                        r.auto_deactivated,
                        r.missing_count,
                    )
                )
        with cursor.copy("COPY bench_v FROM STDIN") as copy:
            for r in variants:
                copy.write_row((r.id, r.supplier_stock, r.cost_price, r.price))
        cursor.execute(
            """UPDATE inventory_variant AS t SET supplier_stock = v.stock,
                   stock_quantity = GREATEST(v.stock - t.reserved_quantity, 0), cost_price = v.cost, price = v.price,
                   updated_at = now()
               FROM bench_v AS v WHERE t.id = v.id"""
        )
        cursor.execute(
            """UPDATE inventory_product AS t SET supplier_stock = v.stock,
                   stock_quantity = GREATEST(v.stock - t.reserved_quantity, 0), cost_price = v.cost, price = v.price,
                   is_active = v.active, is_available = v.available, auto_deactivated = v.auto,
                   missing_count = v.missing, last_sync_at = now(), updated_at = now()
               FROM bench_p AS v WHERE t.id = v.id"""
        )
    return time.perf_counter() - started


def main() -> None:
    args = parse_args()
    total = int(args.total * args.scale)
    merchant_products = int(args.merchant_products * args.scale)
    url, admin_url, name = bench_database_url()
    ensure_database(admin_url, name, args.fresh)
    os.environ["DATABASE_URL"] = url
    os.environ.pop("DATABASE_OWNER_URL", None)  # one role for everything here
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nexusone.settings")
    os.environ.setdefault("DEBUG", "true")
    import django

    django.setup()
    from nexusone.core.db import roles

    with roles.owner_connection():  # the owner's statements: no tenant settings (VACUUM cannot take them)
        run(args, total, merchant_products)


def run(args: argparse.Namespace, total: int, merchant_products: int) -> None:
    from django.core.management import call_command

    from inventory.actions.sync.write import WRITE_BATCH_ROWS

    call_command("migrate", verbosity=0)
    merchant_id = seed(total, merchant_products)
    changed = pick_changed(merchant_id, args.changed)
    rows = 2 * len(changed)
    print(
        f"data: {total:,} products in all, {merchant_products:,} for the synced merchant, "
        f"{len(changed):,} changed ({args.changed:.0%}) → {rows:,} rows (product + variant) per write; "
        f"our statements carry {WRITE_BATCH_ROWS} rows"
    )
    timings: dict[str, list[float]] = {"ours": [], "baseline": []}
    for round_no in range(args.rounds):
        order = ("ours", "baseline") if round_no % 2 == 0 else ("baseline", "ours")
        for method in order:
            products, variants = next_values(changed, round_no * 2 + (method == "baseline"))
            elapsed = ours(merchant_id, products, variants) if method == "ours" else baseline(products, variants)
            timings[method].append(elapsed)
            print(f"round {round_no + 1} {method:8s} {elapsed * 1000:8.1f} ms  {rows / elapsed:10,.0f} rows/s")
    ours_rate = rows / statistics.median(timings["ours"])
    base_rate = rows / statistics.median(timings["baseline"])
    print(f"our write phase (UPDATE … FROM unnest, conditional): {ours_rate:,.0f} rows/s (median)")
    print(f"raw COPY + UPDATE … FROM baseline:                   {base_rate:,.0f} rows/s (median)")
    print(f"ratio ours / baseline: {ours_rate / base_rate:.2f} (goal ≥ 0.5)")


if __name__ == "__main__":
    main()
