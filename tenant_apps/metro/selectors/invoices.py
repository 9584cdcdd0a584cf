"""Invoices (ODS): the paginated list by date and one invoice with its lines."""

from __future__ import annotations

from datetime import date

from django.db.models import F, QuerySet

from ..models import Invoice, InvoiceLine
from .products import Page, paginate

# The columns of the invoice listing: what the selector loads is exactly what the API shows.
INVOICE_LIST_FIELDS = (
    "id",
    "numero",
    "doc_type",
    "date_facture",
    "magasin",
    "total_ht",
    "total_tva",
    "total_ttc",
    "total_a_payer",
    "nb_lignes",
    "importee_le",
)


def invoice_list(
    *,
    page: int,
    per_page: int,
    date_debut: date | None = None,
    date_fin: date | None = None,
    magasin: str = "",
    doc_type: str = "",
    statut: str = "",
) -> Page:
    invoices = Invoice.objects.only(*INVOICE_LIST_FIELDS)
    if date_debut is not None:
        invoices = invoices.filter(date_facture__gte=date_debut)
    if date_fin is not None:
        invoices = invoices.filter(date_facture__lte=date_fin)
    if magasin:
        invoices = invoices.filter(magasin=magasin)
    if doc_type:
        invoices = invoices.filter(doc_type=doc_type)
    if statut:
        invoices = invoices.filter(statut_rapprochement=statut)
    return paginate(invoices.order_by("-date_facture", "-id"), page=page, per_page=per_page)


def invoice_get(*, invoice_id: int) -> Invoice | None:
    return Invoice.objects.select_related("facture_referencee").filter(pk=invoice_id).first()


def invoice_lines(*, invoice: Invoice) -> QuerySet[InvoiceLine]:
    return (
        InvoiceLine.objects.filter(invoice=invoice)
        .annotate(categorie_id=F("product__category_id"))
        .order_by("position")
    )


def invoice_stores() -> list[str]:
    """The stores invoices came from, for the list's filter."""
    return list(Invoice.objects.order_by("magasin").values_list("magasin", flat=True).distinct())
