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

from ..models import Category, ClassificationRule, Product, PurchaseFact
from ..normalise import category_match, rule_compile

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
        SUM(f.quantite_colis) AS qc,
        SUM(f.quantite_unitaire) AS qu,
        SUM(f.montant_ht) AS ht,
        SUM(f.montant_tva) AS tva,
        COUNT(*) FILTER (WHERE f.quantite_unitaire > 0) AS nb,
        MIN(f.prix_unitaire) FILTER (WHERE f.quantite_unitaire > 0) AS pmin,
        MAX(f.prix_unitaire) FILTER (WHERE f.quantite_unitaire > 0) AS pmax,
        ROUND(SUM(f.montant_ht) FILTER (WHERE f.quantite_unitaire > 0)
              / NULLIF(SUM(f.quantite_unitaire) FILTER (WHERE f.quantite_unitaire > 0), 0), 3) AS pavg,
        ROUND(AVG(f.prix_colis) FILTER (WHERE f.quantite_unitaire > 0), 3) AS pcolis,
        ROUND(AVG(f.colisage) FILTER (WHERE f.quantite_unitaire > 0), 2) AS colis,
        MIN(f.date_achat) FILTER (WHERE f.quantite_unitaire > 0) AS first_date,
        MAX(f.date_achat) FILTER (WHERE f.quantite_unitaire > 0) AS last_date
    FROM {fact} f JOIN targets t ON t.id = f.product_id
    GROUP BY f.product_id
)
UPDATE {product} p SET
    quantite_colis_totale = COALESCE(agg.qc, 0),
    quantite_unitaire_totale = COALESCE(agg.qu, 0),
    montant_total_ht = COALESCE(agg.ht, 0),
    montant_total_tva = COALESCE(agg.tva, 0),
    montant_total = COALESCE(agg.ht, 0) + COALESCE(agg.tva, 0),
    nb_achats = COALESCE(agg.nb, 0),
    prix_unitaire_min = agg.pmin,
    prix_unitaire_max = agg.pmax,
    prix_unitaire_moyen = agg.pavg,
    prix_colis_moyen = agg.pcolis,
    colisage_moyen = agg.colis,
    premier_achat = agg.first_date,
    dernier_achat = agg.last_date,
    aggregats_a_jour = true
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
        where="true" if all_products else "NOT aggregats_a_jour",
    )
    with transaction.atomic():
        if not _no_load_in_flight():
            if all_products:
                raise Conflict(
                    "An import is loading invoices: recalculate once it has finished.", code="import_running"
                )
            logger.info(
                "aggregates left stale: another import of this tenant is loading; it will refresh them"
            )
            return 0
        with connection.cursor() as cursor:  # a statement after the lock: a snapshot with every load in it
            cursor.execute(sql)
            return int(cursor.rowcount)


def products_classify() -> int:
    """Apply the current classification rules to every product; returns how many changed."""
    rules = [
        rule
        for row in ClassificationRule.objects.filter(is_active=True).order_by("priority", "id")
        if (
            rule := rule_compile(
                rule_id=row.pk, field=row.field, pattern=row.pattern, category_id=row.category_id
            )
        )
    ]
    categories = {c.pk: c for c in Category.objects.all()}
    changed: list[Product] = []
    for product in Product.objects.only(
        "id",
        "designation_normalisee",
        "categorie_metro",
        "category_id",
        "famille",
        "categorie",
        "sous_categorie",
    ):
        category_id = category_match(
            rules, designation=product.designation_normalisee, categorie_metro=product.categorie_metro
        )
        category = categories.get(category_id or 0)
        values = (
            (category.famille, category.categorie, category.sous_categorie)
            if category
            else ("", product.categorie_metro, "")
        )
        if (product.category_id, product.famille, product.categorie, product.sous_categorie) != (
            category_id,
            *values,
        ):
            product.category_id = category_id
            product.famille, product.categorie, product.sous_categorie = values
            changed.append(product)
    Product.objects.bulk_update(
        changed, ["category", "famille", "categorie", "sous_categorie"], batch_size=500
    )
    return len(changed)


@transaction.atomic
def aggregates_recalculate() -> int:
    """Reclassify every product with the current rules, rebuild every aggregate; returns the product count."""
    products_classify()
    return aggregates_refresh(all_products=True)


__all__ = ["aggregates_recalculate", "aggregates_refresh", "loads_running", "products_classify"]
