"""The METRO loader as it was before the one-statement load, kept only as the benchmark's baseline.

Same transaction per invoice and same final rows as `tenant_apps.metro.services.loading.invoice_load` for a
new, reconciled invoice (the only case the benchmark loads), but in about ten round trips: existence check,
invoice INSERT, staged upsert, product look-up / insert / stale flag, COPY of the lines, the facts,
two credit-note UPDATEs, then the commit.
"""

from __future__ import annotations

from django.db import connection, transaction
from django.db.backends.utils import CursorWrapper
from django.db.models import Subquery

from metro_etl import ArticleLine, ParsedInvoice, ReconciliationReport
from tenant_apps.metro.models import (
    DocumentStatus,
    ImportBatch,
    Invoice,
    InvoiceLine,
    LineKind,
    Product,
    PurchaseFact,
    ReconciliationStatus,
    StagedDocument,
)
from tenant_apps.metro.services.loading import METRO_TZ, report_as_json
from tenant_apps.metro.services.rows import (
    LINE_COLUMNS,
    PRODUCT_COLUMNS,
    LoadContext,
    _product_values,
    line_rows,
    product_key,
)


def invoice_load_previous(
    *,
    parsed: ParsedInvoice,
    report: ReconciliationReport,
    sha256: str,
    file_name: str,
    batch: ImportBatch,
    context: LoadContext,
) -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL synchronous_commit = off")
        if Invoice.objects.filter(numero=parsed.number).first() is not None:
            raise ValueError("the baseline only loads new invoices")
        invoice = Invoice.objects.create(
            numero=parsed.number,
            doc_type=str(parsed.doc_type),
            libelle_document=parsed.doc_label[:64],
            date_facture=parsed.invoice_date,
            facture_le=parsed.invoice_datetime.replace(tzinfo=METRO_TZ),
            magasin=parsed.store_name[:64],
            code_magasin=parsed.store_code[:8],
            total_ht=parsed.total_ht,
            nb_lignes=len(parsed.lines),
            statut_rapprochement=ReconciliationStatus.RECONCILED,
            rapport_rapprochement=report_as_json(report),
            fichier_source=file_name,
            sha256=sha256,
            batch=batch,
        )
        staged = StagedDocument(
            sha256=sha256,
            batch=batch,
            file_name=file_name,
            status=DocumentStatus.LOADED,
            invoice_number=parsed.number,
            doc_type=str(parsed.doc_type),
            raw_lines=[line.raw for line in parsed.lines],
            reconciliation=report_as_json(report),
            invoice=invoice,
        )
        StagedDocument.objects.bulk_create(
            [staged],
            update_conflicts=True,
            unique_fields=["sha256"],
            update_fields=["batch", "status", "invoice", "updated_at"],
        )
        products = _products_upsert(cursor, parsed, context)
        line_table, names = InvoiceLine._meta.db_table, [n for n, _ in LINE_COLUMNS]
        columns = ", ".join(["invoice_id", *("product_id" if n == "cle" else n for n in names)])
        with cursor.copy(f"COPY {line_table} ({columns}) FROM STDIN") as copy:
            for row in line_rows(parsed):
                copy.write_row((invoice.pk, row[0], row[1], products.get(str(row[2])), *row[3:]))
        cursor.execute(_FACTS_SQL, [invoice.pk, LineKind.ARTICLE.value])
        Invoice.objects.filter(pk=invoice.pk).update(
            facture_referencee_id=Subquery(
                Invoice.objects.filter(numero=invoice.numero_facture_referencee).values("pk")[:1]
            )
        )
        Invoice.objects.filter(
            numero_facture_referencee=invoice.numero, facture_referencee__isnull=True
        ).update(facture_referencee=invoice)
    context.product_ids.update(products)


def _products_upsert(cursor: CursorWrapper, parsed: ParsedInvoice, context: LoadContext) -> dict[str, int]:
    firsts: dict[str, ArticleLine] = {}
    for line in parsed.lines:
        firsts.setdefault(product_key(line), line)
    ids = {key: context.product_ids[key] for key in firsts if key in context.product_ids}
    table = Product._meta.db_table
    unknown = [key for key in firsts if key not in ids]
    if unknown:
        cursor.execute(f"SELECT cle, id FROM {table} WHERE cle = ANY(%s)", [unknown])  # noqa: S608
        ids.update(cursor.fetchall())
    new = [key for key in firsts if key not in ids]
    if new:
        rows = [_product_values(key, firsts[key], context) for key in new]
        names = ", ".join(name for name, _ in PRODUCT_COLUMNS)
        placeholder = "({}, false, 0, 0, 0, 0, 0, 0, now())".format(", ".join(["%s"] * len(PRODUCT_COLUMNS)))
        cursor.execute(
            f"INSERT INTO {table} ({names}, aggregats_a_jour, quantite_colis_totale,"  # noqa: S608
            " quantite_unitaire_totale, montant_total_ht, montant_total_tva, montant_total, nb_achats,"
            " created_at)"
            f" VALUES {', '.join([placeholder] * len(rows))}"
            " ON CONFLICT (cle) DO UPDATE SET aggregats_a_jour = false RETURNING cle, id",
            [value for row in rows for value in row],  # type: ignore[misc]
        )
        ids.update(cursor.fetchall())
    known = [ids[key] for key in firsts if key not in new]
    if known:
        cursor.execute(
            f"UPDATE {table} SET aggregats_a_jour = false WHERE id = ANY(%s) AND aggregats_a_jour",  # noqa: S608
            [known],
        )
    return ids


# Its price-history INSERT is gone with the table (PriceHistory is a view over the facts since migration
# 0005): the baseline keeps its round trips, not a write the schema no longer has.
_FACTS_SQL = f"""
INSERT INTO {PurchaseFact._meta.db_table} (line_id, product_id, invoice_id, date_achat, quantite_colis,
    quantite_unitaire, prix_unitaire, prix_colis, colisage, montant_ht, montant_tva)
SELECT l.id, l.product_id, l.invoice_id, i.date_facture, l.quantite_colis, l.quantite_unitaire,
    l.prix_unitaire, l.prix_colis, l.colisage, l.montant_ht, COALESCE(l.montant_tva, 0)
FROM {InvoiceLine._meta.db_table} l JOIN {Invoice._meta.db_table} i ON i.id = l.invoice_id
WHERE l.invoice_id = %s AND l.kind = %s
"""  # noqa: S608
