"""The one SQL statement that loads an invoice: staging, ODS, DWH, in a single round trip.

Each step is a data-modifying CTE fed by array parameters (`unnest` zips them back into rows), so the cost
per invoice is one statement and the commit, whatever the invoice's size. All sub-statements share one
snapshot: none sees another's writes except through RETURNING, which is why ids flow from `inv`, `created`
and `lines` to the steps after them, and why the credit-note link to an older invoice is set in the
INSERT itself (an UPDATE of the row this statement inserts would not find it).

Outcome, decided in SQL from the snapshot:
- the number is already loaded → `duplicate`: the staged row points at that invoice (untouched when this
  very file is the one that loaded it);
- it is new and may load (reconciled, or forced) → `loaded`: invoice, staged row, new products, lines,
  facts (price points are a view over them: models.PriceHistory), credit-note links;
- otherwise → `unreconciled`: the staged row only.
Concurrent loads (services.parallel): an import of the same number on another connection makes this one
lose on the unique index of `numero` (IntegrityError); the loader runs it again, and its new snapshot makes
it a `duplicate` (loading._retryable). Products go through ON CONFLICT (cle), so two loads creating the
same product both get its one id, and they are inserted in key order, so that two loads wait for each
other's new products in one order (a deadlock that still happens is retried too).
"""

from __future__ import annotations

import re

from ..models import (
    DocumentStatus,
    Invoice,
    InvoiceLine,
    LineKind,
    Product,
    PurchaseFact,
    StagedDocument,
)
from .rows import LINE_COLUMNS, PRODUCT_COLUMNS


def _unnest(prefix: str, columns: tuple[tuple[str, str], ...]) -> str:
    arrays = ", ".join(f"%({prefix}{name})s::{kind}[]" for name, kind in columns)
    return f"unnest({arrays}) AS {prefix.rstrip('_')}({', '.join(name for name, _ in columns)})"


def _build() -> str:
    inv, line, product, fact, staged = (
        Invoice._meta.db_table,
        InvoiceLine._meta.db_table,
        Product._meta.db_table,
        PurchaseFact._meta.db_table,
        StagedDocument._meta.db_table,
    )
    product_names = ", ".join(name for name, _ in PRODUCT_COLUMNS)
    line_values = ", ".join("p.id" if name == "cle" else f"l.{name}" for name, _ in LINE_COLUMNS)
    line_names = ", ".join("product_id" if name == "cle" else name for name, _ in LINE_COLUMNS)
    loaded, duplicate, unreconciled = (
        DocumentStatus.LOADED.value,
        DocumentStatus.DUPLICATE.value,
        DocumentStatus.UNRECONCILED.value,
    )
    return f"""
WITH cfg AS (
    -- SET LOCAL as a function call, inside the one statement (see loading._execute); named by the
    -- final SELECT so that it runs.
    SELECT set_config('synchronous_commit', 'off', true) WHERE %(async_commit)s::boolean
), existing AS (
    SELECT id FROM {inv} WHERE numero = %(numero)s::text
), outcome AS (
    SELECT CASE WHEN EXISTS (SELECT 1 FROM existing) THEN '{duplicate}'
                WHEN %(may_load)s::boolean THEN '{loaded}' ELSE '{unreconciled}' END AS status
), inv AS (
    INSERT INTO {inv} (numero, doc_type, libelle_document, date_facture, facture_le, magasin, code_magasin,
        numero_client, total_ht, total_tva, total_ttc, total_a_payer, nb_lignes, statut_rapprochement,
        rapport_rapprochement, numero_facture_referencee, facture_referencee_id, fichier_source, sha256,
        importee_le, batch_id)
    -- Every parameter is typed: the statement is prepared once per connection (server-side binding).
    SELECT %(numero)s::text, %(doc_type)s::text, %(libelle_document)s::text, %(date_facture)s::date,
        %(facture_le)s::timestamptz, %(magasin)s::text, %(code_magasin)s::text, %(numero_client)s::text,
        %(total_ht)s::numeric, %(total_tva)s::numeric, %(total_ttc)s::numeric, %(total_a_payer)s::numeric,
        %(nb_lignes)s::integer, %(statut_rapprochement)s::text, %(report)s::jsonb, %(referenced)s::text,
        (SELECT id FROM {inv} WHERE numero = %(referenced)s::text AND %(referenced)s::text <> ''),
        %(file_name)s::text, %(sha256)s::text, now(), %(batch_id)s::uuid
    FROM outcome WHERE outcome.status = '{loaded}'
    RETURNING id, date_facture
), staged AS (
    INSERT INTO {staged} (batch_id, file_name, sha256, status, invoice_number, doc_type, raw_lines,
        reconciliation, error_code, error_message, invoice_id, created_at, updated_at)
    SELECT %(batch_id)s::uuid, %(file_name)s::text, %(sha256)s::text, outcome.status, %(numero)s::text,
        %(doc_type)s::text, %(raw_lines)s::jsonb, %(report)s::jsonb, '', '',
        COALESCE((SELECT id FROM inv), (SELECT id FROM existing)), now(), now()
    FROM outcome
    -- The very file that loaded this invoice, offered again: keep its record as it is.
    WHERE NOT (outcome.status = '{duplicate}' AND EXISTS (
        SELECT 1 FROM {staged} WHERE sha256 = %(sha256)s::text AND status = '{loaded}'))
    ON CONFLICT (sha256) DO UPDATE SET batch_id = EXCLUDED.batch_id, file_name = EXCLUDED.file_name,
        status = EXCLUDED.status, invoice_number = EXCLUDED.invoice_number, doc_type = EXCLUDED.doc_type,
        raw_lines = EXCLUDED.raw_lines, reconciliation = EXCLUDED.reconciliation, error_code = '',
        error_message = '', invoice_id = EXCLUDED.invoice_id, updated_at = EXCLUDED.updated_at
), known AS (
    -- Products the batch already holds ids for.
    SELECT * FROM unnest(%(known_keys)s::text[], %(known_ids)s::bigint[]) AS k(cle, id)
), new AS (
    SELECT * FROM {_unnest("np_", PRODUCT_COLUMNS)}
), found AS (
    -- One index lookup per key. Not a join: a plan cached while the table was small scans all of it
    -- (a prepared statement keeps its generic plan as the table grows). OFFSET 0 keeps the lookup from
    -- being repeated in the WHERE.
    SELECT cle, id FROM (
        SELECT new.cle, (SELECT p.id FROM {product} p WHERE p.cle = new.cle) AS id FROM new OFFSET 0
    ) f WHERE id IS NOT NULL
), created AS (
    -- Only keys absent from the snapshot; a concurrent insert of one is taken over by DO UPDATE, which
    -- also returns its id.
    INSERT INTO {product} ({product_names}, aggregats_a_jour, quantite_colis_totale,
        quantite_unitaire_totale, montant_total_ht, montant_total_tva, montant_total, nb_achats, created_at)
    SELECT new.*, false, 0, 0, 0, 0, 0, 0, now() FROM new
    WHERE EXISTS (SELECT 1 FROM inv) AND NOT EXISTS (SELECT 1 FROM found WHERE found.cle = new.cle)
    ORDER BY new.cle
    ON CONFLICT (cle) DO UPDATE SET aggregats_a_jour = false
    RETURNING cle, id
), products AS (
    SELECT cle, id FROM known UNION ALL SELECT cle, id FROM found UNION ALL SELECT cle, id FROM created
), fresh AS (
    -- The existing products not flagged yet, by one index lookup each (see found): most invoices of a
    -- batch find none, and then the UPDATE below does not run at all.
    SELECT ARRAY(
        SELECT k.id FROM unnest(%(known_ids)s::bigint[] || ARRAY(SELECT id FROM found)) AS k(id)
        WHERE (SELECT p.aggregats_a_jour FROM {product} p WHERE p.id = k.id)
    ) AS ids
), stale AS (
    -- Flagged in this transaction, so a crash before the batch's aggregate refresh is harmless; the
    -- condition skips products an earlier invoice of the batch already flagged.
    UPDATE {product} p SET aggregats_a_jour = false
    WHERE p.id = ANY((SELECT ids FROM fresh)::bigint[]) AND p.aggregats_a_jour
        AND cardinality((SELECT ids FROM fresh)) > 0 AND EXISTS (SELECT 1 FROM inv)
), lines AS (
    INSERT INTO {line} (invoice_id, {line_names})
    SELECT inv.id, {line_values}
    FROM inv CROSS JOIN {_unnest("l_", LINE_COLUMNS)} LEFT JOIN products p ON p.cle = l.cle
    RETURNING id, product_id, kind, quantite_colis, quantite_unitaire, prix_unitaire, prix_colis, colisage,
        montant_ht, montant_tva
), facts AS (
    INSERT INTO {fact} (line_id, product_id, invoice_id, date_achat, quantite_colis, quantite_unitaire,
        prix_unitaire, prix_colis, colisage, montant_ht, montant_tva)
    SELECT l.id, l.product_id, inv.id, inv.date_facture, l.quantite_colis, l.quantite_unitaire,
        l.prix_unitaire, l.prix_colis, l.colisage, l.montant_ht, COALESCE(l.montant_tva, 0)
    FROM lines l CROSS JOIN inv
    WHERE l.kind = '{LineKind.ARTICLE.value}'
), credit_notes AS (
    -- Credit notes that arrived before their invoice.
    UPDATE {inv} c SET facture_referencee_id = inv.id FROM inv
    WHERE c.numero_facture_referencee = %(numero)s::text AND c.facture_referencee_id IS NULL
)
-- The products the batch did not know yet, for its cache.
SELECT outcome.status, ids.keys, ids.ids, (SELECT count(*) FROM cfg)
FROM outcome, LATERAL (
    SELECT array_agg(n.cle) AS keys, array_agg(n.id) AS ids
    FROM (SELECT cle, id FROM found UNION ALL SELECT cle, id FROM created) n
) ids
"""  # noqa: S608 - table and column names come from model metadata; every value is a parameter


def _positional(sql: str) -> tuple[str, tuple[str, ...]]:
    """`%(name)s` → `$n`, once at import: the raw cursor skips psycopg's per-call placeholder parsing
    (it caches it only for queries under 4 kB), and the statement is prepared under this text."""
    names: list[str] = []

    def number(match: re.Match[str]) -> str:
        if match.group(1) not in names:
            names.append(match.group(1))
        return f"${names.index(match.group(1)) + 1}"

    return re.sub(r"%\((\w+)\)s", number, sql), tuple(names)


INVOICE_LOAD_SQL, PARAM_NAMES = _positional(_build())
