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
lose on the unique index of `number` (IntegrityError); the loader runs it again, and its new snapshot
makes it a `duplicate` (loading._retryable). Products go through ON CONFLICT (natural_key), so two loads
creating the same product both get its one id, and they are inserted in key order, so that two loads wait
for each other's new products in one order (a deadlock that still happens is retried too).

The statement is composed from named parts, one function per step (a CTE or a few), in the order of
`invoice_load_statement`; each part reads only the names of the parts before it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from tenant_apps.catalog.models import Product
from tenant_apps.stock.models import MovementKind, MovementSource, StockMovement

from ..models import DocumentStatus, Invoice, InvoiceLine, LineKind, PurchaseFact, StagedDocument
from .rows import LINE_COLUMNS, MOVEMENT_COLUMNS, PRODUCT_COLUMNS

INV, LINE, FACT, STAGED = (
    Invoice._meta.db_table,
    InvoiceLine._meta.db_table,
    PurchaseFact._meta.db_table,
    StagedDocument._meta.db_table,
)
PRODUCT = Product._meta.db_table
MOVEMENT = StockMovement._meta.db_table
LOADED, DUPLICATE, UNRECONCILED = (
    DocumentStatus.LOADED.value,
    DocumentStatus.DUPLICATE.value,
    DocumentStatus.UNRECONCILED.value,
)
Part = tuple[str, str]  # (CTE name, its statement)


def _unnest(prefix: str, columns: tuple[tuple[str, str], ...]) -> str:
    """Array parameters `<prefix><column>` zipped back into rows, aliased `<prefix without _>`."""
    arrays = ", ".join(f"%({prefix}{name})s::{kind}[]" for name, kind in columns)
    return f"unnest({arrays}) AS {prefix.rstrip('_')}({', '.join(name for name, _ in columns)})"


def _with(parts: Sequence[Part], final: str) -> str:
    ctes = ",\n".join(f"{name} AS (\n{sql.strip()}\n)" for name, sql in parts)
    return f"WITH {ctes}\n{final.strip()}\n"


def async_commit() -> Part:
    # SET LOCAL as a function call, inside the one statement (see loading._execute); named by the final
    # SELECT so that it runs.
    return "cfg", "SELECT set_config('synchronous_commit', 'off', true) WHERE %(async_commit)s::boolean"


def outcome() -> list[Part]:
    """`existing` (the invoice already loaded under this number) and the document's `outcome`."""
    decide = f"""
    SELECT CASE WHEN EXISTS (SELECT 1 FROM existing) THEN '{DUPLICATE}'
                WHEN %(may_load)s::boolean THEN '{LOADED}' ELSE '{UNRECONCILED}' END AS status"""
    return [("existing", f"SELECT id FROM {INV} WHERE number = %(number)s::text"), ("outcome", decide)]


def invoice_insert() -> Part:
    # Every parameter is typed: the statement is prepared once per connection (server-side binding).
    return (
        "inv",
        f"""
    INSERT INTO {INV} (number, doc_type, doc_label, invoice_date, issued_at, store_name, store_code,
        customer_number, customer_id, total_net, total_vat, total_gross, total_due, line_count,
        reconciliation_status, reconciliation_report, referenced_number, referenced_invoice_id, source_file,
        sha256, imported_at, batch_id)
    SELECT %(number)s::text, %(doc_type)s::text, %(doc_label)s::text, %(invoice_date)s::date,
        %(issued_at)s::timestamptz, %(store_name)s::text, %(store_code)s::text, %(customer_number)s::text,
        %(customer_id)s::bigint, %(total_net)s::numeric, %(total_vat)s::numeric, %(total_gross)s::numeric,
        %(total_due)s::numeric,
        %(line_count)s::integer, %(reconciliation_status)s::text, %(report)s::jsonb, %(referenced)s::text,
        (SELECT id FROM {INV} WHERE number = %(referenced)s::text AND %(referenced)s::text <> ''),
        %(file_name)s::text, %(sha256)s::text, now(), %(batch_id)s::uuid
    FROM outcome WHERE outcome.status = '{LOADED}'
    RETURNING id, invoice_date""",
    )


def staged_upsert() -> Part:
    # The very file that loaded this invoice, offered again: its record is kept as it is.
    return (
        "staged",
        f"""
    INSERT INTO {STAGED} (batch_id, file_name, sha256, status, invoice_number, doc_type, raw_lines,
        reconciliation, error_code, error_message, invoice_id, created_at, updated_at)
    SELECT %(batch_id)s::uuid, %(file_name)s::text, %(sha256)s::text, outcome.status, %(number)s::text,
        %(doc_type)s::text, %(raw_lines)s::jsonb, %(report)s::jsonb, '', '',
        COALESCE((SELECT id FROM inv), (SELECT id FROM existing)), now(), now()
    FROM outcome
    WHERE NOT (outcome.status = '{DUPLICATE}' AND EXISTS (
        SELECT 1 FROM {STAGED} WHERE sha256 = %(sha256)s::text AND status = '{LOADED}'))
    ON CONFLICT (sha256) DO UPDATE SET batch_id = EXCLUDED.batch_id, file_name = EXCLUDED.file_name,
        status = EXCLUDED.status, invoice_number = EXCLUDED.invoice_number, doc_type = EXCLUDED.doc_type,
        raw_lines = EXCLUDED.raw_lines, reconciliation = EXCLUDED.reconciliation, error_code = '',
        error_message = '', invoice_id = EXCLUDED.invoice_id, updated_at = EXCLUDED.updated_at""",
    )


def products_resolve() -> list[Part]:
    """`products`: (natural_key, id) of every product of the invoice, known, found or created."""
    names = ", ".join(name for name, _ in PRODUCT_COLUMNS)
    # One index lookup per key, not a join: a plan cached while the table was small scans all of it (a
    # prepared statement keeps its generic plan as the table grows). OFFSET 0 keeps the lookup from being
    # repeated in the WHERE.
    found = f"""
    SELECT natural_key, id FROM (
        SELECT new.natural_key, (SELECT p.id FROM {PRODUCT} p WHERE p.natural_key = new.natural_key) AS id
        FROM new OFFSET 0
    ) f WHERE id IS NOT NULL"""
    # Only keys absent from the snapshot; a concurrent insert of one is taken over by DO UPDATE, which
    # also returns its id.
    created = f"""
    INSERT INTO {PRODUCT} ({names}, aggregates_fresh, total_case_quantity, total_unit_quantity,
        total_net, total_vat, total_gross, purchase_count, created_at)
    SELECT new.*, false, 0, 0, 0, 0, 0, 0, now() FROM new
    WHERE EXISTS (SELECT 1 FROM inv)
        AND NOT EXISTS (SELECT 1 FROM found WHERE found.natural_key = new.natural_key)
    ORDER BY new.natural_key
    ON CONFLICT (natural_key) DO UPDATE SET aggregates_fresh = false
    RETURNING natural_key, id"""
    return [
        # Products the batch already holds ids for.
        (
            "known",
            "SELECT * FROM unnest(%(known_keys)s::text[], %(known_ids)s::bigint[]) AS k(natural_key, id)",
        ),
        ("new", f"SELECT * FROM {_unnest('np_', PRODUCT_COLUMNS)}"),
        ("found", found),
        ("created", created),
        (
            "products",
            "SELECT natural_key, id FROM known UNION ALL SELECT natural_key, id FROM found "
            "UNION ALL SELECT natural_key, id FROM created",
        ),
    ]


def products_flag_stale() -> list[Part]:
    """Flag the invoice's existing products stale, in this transaction, so that a crash before the batch's
    aggregate refresh is harmless. Most invoices of a batch find none to flag, and then the UPDATE does
    not run at all; the condition skips products an earlier invoice of the batch already flagged."""
    fresh = f"""
    SELECT ARRAY(
        SELECT k.id FROM unnest(%(known_ids)s::bigint[] || ARRAY(SELECT id FROM found)) AS k(id)
        WHERE (SELECT p.aggregates_fresh FROM {PRODUCT} p WHERE p.id = k.id)
    ) AS ids"""
    stale = f"""
    UPDATE {PRODUCT} p SET aggregates_fresh = false
    WHERE p.id = ANY((SELECT ids FROM fresh)::bigint[]) AND p.aggregates_fresh
        AND cardinality((SELECT ids FROM fresh)) > 0 AND EXISTS (SELECT 1 FROM inv)"""
    return [("fresh", fresh), ("stale", stale)]


def lines_insert() -> Part:
    values = ", ".join("p.id" if name == "natural_key" else f"l.{name}" for name, _ in LINE_COLUMNS)
    names = ", ".join("product_id" if name == "natural_key" else name for name, _ in LINE_COLUMNS)
    return (
        "lines",
        f"""
    INSERT INTO {LINE} (invoice_id, {names})
    SELECT inv.id, {values}
    FROM inv CROSS JOIN {_unnest("l_", LINE_COLUMNS)} LEFT JOIN products p ON p.natural_key = l.natural_key
    RETURNING id, position, product_id, kind, case_quantity, unit_quantity, unit_price, case_price, pack_size,
        net_amount, vat_amount""",
    )


def facts_insert() -> Part:
    return (
        "facts",
        f"""
    INSERT INTO {FACT} (line_id, product_id, invoice_id, purchase_date, case_quantity, unit_quantity,
        unit_price, case_price, pack_size, net_amount, vat_amount)
    SELECT l.id, l.product_id, inv.id, inv.invoice_date, l.case_quantity, l.unit_quantity,
        l.unit_price, l.case_price, l.pack_size, l.net_amount, COALESCE(l.vat_amount, 0)
    FROM lines l CROSS JOIN inv
    WHERE l.kind = '{LineKind.ARTICLE.value}'""",
    )


def stock_entries_insert() -> Part:
    """Every article line of a stock document becomes an entry at the invoice's site, valued at its cost
    (rows.line_arrays: none for documents that move no stock). Written unvalued: the stock valuation
    takes it from there (tenant_apps.stock.valuation)."""
    unit_cost = "CASE WHEN l.unit_quantity = 0 THEN 0 ELSE round(abs(mv.value / l.unit_quantity), 4) END"
    return (
        "entries",
        f"""
    INSERT INTO {MOVEMENT} (site_id, product_id, date, kind, reason, quantity, unit_cost, value, source,
        source_ref, valued, created_at)
    SELECT %(site_id)s::bigint, l.product_id, inv.invoice_date, '{MovementKind.ENTRY.value}', '',
        l.unit_quantity, {unit_cost}, mv.value, '{MovementSource.METRO.value}', l.id::text, false, now()
    FROM lines l CROSS JOIN inv JOIN {_unnest("mv_", MOVEMENT_COLUMNS)} ON mv.position = l.position""",
    )


def credit_notes_link() -> Part:
    # Credit notes that arrived before their invoice.
    return (
        "credit_notes",
        f"""
    UPDATE {INV} c SET referenced_invoice_id = inv.id FROM inv
    WHERE c.referenced_number = %(number)s::text AND c.referenced_invoice_id IS NULL""",
    )


# The outcome, and the products the batch did not know yet, for its cache.
RESULT = """
SELECT outcome.status, ids.keys, ids.ids, (SELECT count(*) FROM cfg)
FROM outcome, LATERAL (
    SELECT array_agg(n.natural_key) AS keys, array_agg(n.id) AS ids
    FROM (SELECT natural_key, id FROM found UNION ALL SELECT natural_key, id FROM created) n
) ids"""


def invoice_load_statement() -> str:
    parts = [
        async_commit(),
        *outcome(),
        invoice_insert(),
        staged_upsert(),
        *products_resolve(),
        *products_flag_stale(),
        lines_insert(),
        facts_insert(),
        stock_entries_insert(),
        credit_notes_link(),
    ]
    return _with(parts, RESULT)


def _positional(sql: str) -> tuple[str, tuple[str, ...]]:
    """`%(name)s` → `$n`, once at import: the raw cursor skips psycopg's per-call placeholder parsing
    (it caches it only for queries under 4 kB), and the statement is prepared under this text."""
    names: list[str] = []

    def number(match: re.Match[str]) -> str:
        if match.group(1) not in names:
            names.append(match.group(1))
        return f"${names.index(match.group(1)) + 1}"

    return re.sub(r"%\((\w+)\)s", number, sql), tuple(names)


INVOICE_LOAD_SQL, PARAM_NAMES = _positional(invoice_load_statement())
