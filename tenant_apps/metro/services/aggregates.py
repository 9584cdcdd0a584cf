"""Per-product aggregates, rebuilt set-based from the purchase facts (one UPDATE … FROM, no per-row ORM).

Prices are real: min and max over the purchases (lines with a positive quantity; a return repeats a price
already paid), and the average is the quantity-weighted one (Σ amount HT / Σ units bought). Quantities and
amounts are net of returns and credit notes.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

from django.db import DatabaseError, connection, transaction

from shared_apps.core.exceptions import Conflict
from tenant_apps.catalog.models import Product
from tenant_apps.catalog.services import products_classify

from ..models import PurchaseFact

logger = logging.getLogger(__name__)

# Concurrent imports of one tenant. A load flags a product stale only if it is not stale already (the flag
# UPDATE costs), so an invoice still in flight on another connection may add facts to a product that a
# refresh then rebuilds from a snapshot without them, and marks up to date: stale for good. Hence an
# advisory lock per tenant schema: every connection loading a batch's invoices holds it SHARED (from
# before its first invoice's snapshot to after its last commit); a refresh needs it EXCLUSIVE for its
# transaction. Taken, no load is in flight and the refresh's statement sees every committed one; a load
# starting meanwhile waits for the refresh's commit, so its snapshot sees the fresh flag and flags again.
# Not taken, the products stay stale and the last batch to finish refreshes them all.
_LOCK_NAMESPACE = 0x4D45_5452  # "METR": the first key of the two-key advisory lock, the schema the second


@contextmanager
def loads_running() -> Iterator[None]:
    """Held by each connection while it loads invoices of a batch (see above)."""
    key = "SELECT {}(%s, hashtext(current_schema()))"
    with connection.cursor() as cursor:
        cursor.execute(key.format("pg_advisory_lock_shared"), [_LOCK_NAMESPACE])
    try:
        yield
    finally:
        try:
            with connection.cursor() as cursor:
                cursor.execute(key.format("pg_advisory_unlock_shared"), [_LOCK_NAMESPACE])
        except DatabaseError:
            # Only in a caller's transaction that is already broken; the error that broke it is the one to
            # see. The lock then goes with the connection, and refreshes wait for that (products stay stale).
            logger.exception("could not release the METRO loading lock")


def _no_load_in_flight() -> bool:
    """Take the tenant's loading lock exclusively for the current transaction, if no load holds it."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_xact_lock(%s, hashtext(current_schema()))", [_LOCK_NAMESPACE])
        row = cursor.fetchone()
    return bool(row and row[0])


_REFRESH = """
WITH targets AS (
    SELECT id FROM {product} WHERE {where}
), agg AS (
    SELECT f.product_id,
        SUM(f.case_quantity) AS qc,
        SUM(f.unit_quantity) AS qu,
        SUM(f.net_amount) AS ht,
        SUM(f.vat_amount) AS tva,
        COUNT(*) FILTER (WHERE f.unit_quantity > 0) AS nb,
        MIN(f.unit_price) FILTER (WHERE f.unit_quantity > 0) AS pmin,
        MAX(f.unit_price) FILTER (WHERE f.unit_quantity > 0) AS pmax,
        ROUND(SUM(f.net_amount) FILTER (WHERE f.unit_quantity > 0)
              / NULLIF(SUM(f.unit_quantity) FILTER (WHERE f.unit_quantity > 0), 0), 3) AS pavg,
        ROUND(AVG(f.case_price) FILTER (WHERE f.unit_quantity > 0), 3) AS pcolis,
        ROUND(AVG(f.pack_size) FILTER (WHERE f.unit_quantity > 0), 2) AS colis,
        MIN(f.purchase_date) FILTER (WHERE f.unit_quantity > 0) AS first_date,
        MAX(f.purchase_date) FILTER (WHERE f.unit_quantity > 0) AS last_date
    FROM {fact} f JOIN targets t ON t.id = f.product_id
    GROUP BY f.product_id
)
UPDATE {product} p SET
    total_case_quantity = COALESCE(agg.qc, 0),
    total_unit_quantity = COALESCE(agg.qu, 0),
    total_net = COALESCE(agg.ht, 0),
    total_vat = COALESCE(agg.tva, 0),
    total_gross = COALESCE(agg.ht, 0) + COALESCE(agg.tva, 0),
    purchase_count = COALESCE(agg.nb, 0),
    min_unit_price = agg.pmin,
    max_unit_price = agg.pmax,
    avg_unit_price = agg.pavg,
    avg_case_price = agg.pcolis,
    avg_pack_size = agg.colis,
    first_purchase = agg.first_date,
    last_purchase = agg.last_date,
    aggregates_fresh = true
FROM targets LEFT JOIN agg ON agg.product_id = targets.id
WHERE p.id = targets.id
"""


def aggregates_refresh(*, all_products: bool = False) -> int:
    """Recompute the aggregates of the stale products (or of all); returns how many were refreshed.

    While another import of this tenant is loading, nothing is refreshed (0) unless `all_products` was
    asked for, which is then refused (Conflict): see `loads_running`.
    """
    sql = _REFRESH.format(
        product=Product._meta.db_table,
        fact=PurchaseFact._meta.db_table,
        where="true" if all_products else "NOT aggregates_fresh",
    )
    with transaction.atomic():
        if not _no_load_in_flight():
            if all_products:
                raise Conflict(
                    "Un import charge des factures : recalculez une fois qu'il est terminé.",
                    code="import_running",
                )
            logger.info(
                "aggregates left stale: another import of this tenant is loading; it will refresh them"
            )
            return 0
        with connection.cursor() as cursor:  # a statement after the lock: a snapshot with every load in it
            cursor.execute(sql)
            return int(cursor.rowcount)


@transaction.atomic
def aggregates_recalculate() -> int:
    """Reclassify every product with the current rules, rebuild every aggregate; returns the product count."""
    products_classify()
    return aggregates_refresh(all_products=True)


__all__ = ["aggregates_recalculate", "aggregates_refresh", "loads_running"]
