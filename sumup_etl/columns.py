"""The columns of each CSV of the export: header name → record field and cell parser.

Headers are compared after :func:`~sumup_etl.values.normalize_header` (the zero-width spaces of
``Prix unitaire TTC`` removed). Columns SumUp may add later are ignored; a listed column that is missing
is an error.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .models import FileKind
from .values import (
    parse_datetime,
    parse_decimal,
    parse_duration,
    parse_int,
    parse_optional_text,
    parse_text,
)

Cell = Callable[[str], Any]
Spec = tuple[tuple[str, str, Cell], ...]  # (field, header, parser)
Row = dict[str, Any]  # a parsed row: the spec's fields and "source_line"

_ORDER_KEYS: Spec = (
    ("establishment", "Etablissement", parse_text),
    ("establishment_id", "ID Etablissement", parse_text),
    ("opened_at", "Date ouverture", parse_datetime),
    ("closed_at", "Date fermeture", parse_datetime),
    ("order_id", "ID commande", parse_text),
    ("currency", "Devise", parse_text),
)

SPECS: dict[FileKind, Spec] = {
    FileKind.ORDERS: (
        *_ORDER_KEYS,
        ("custom_id", "ID commande personnalisé", parse_optional_text),
        ("name", "Nom commande", parse_optional_text),
        ("waiter", "Ouvert par vendeur", parse_optional_text),
        ("table", "Fermé sur table", parse_optional_text),
        ("covers", "Nb clients", parse_int),
        ("duration", "Durée commande", parse_duration),
        ("status", "Statut commande", parse_text),
        ("total_ttc", "CA TTC", parse_decimal),
        ("total_ht", "CA HT", parse_decimal),
        ("total_vat", "Total Montant TVA", parse_decimal),
        ("total_paid", "Total Paiements", parse_decimal),
    ),
    FileKind.LINES: (
        *_ORDER_KEYS,
        ("product", "Produit", parse_text),
        ("sku", "SKU", parse_optional_text),
        ("quantity", "Quantité", parse_decimal),
        ("note", "Code de la carte-cadeau", parse_optional_text),
        ("unit_price_ttc", "Prix unitaire TTC", parse_decimal),
        ("discount", "Remises", parse_decimal),
        ("ca_ttc", "CA TTC", parse_decimal),
        ("ca_ht", "CA HT", parse_decimal),
        ("vat_amount", "Montant TVA", parse_decimal),
    ),
    FileKind.VAT: (
        *_ORDER_KEYS,
        ("rate_text", "Taux de TVA", parse_optional_text),
        ("ca_ttc", "CA TTC", parse_decimal),
        ("ca_ht", "CA HT", parse_decimal),
        ("vat_amount", "Montant TVA", parse_decimal),
    ),
    FileKind.PAYMENTS: (
        *_ORDER_KEYS,
        ("method", "Moyen de paiement", parse_text),
        ("amount", "Montant Paiements", parse_decimal),
    ),
    FileKind.CANCELLED: (
        ("closed_at", "Date fermeture", parse_datetime),
        ("establishment_id", "ID Etablissement", parse_text),
        ("establishment", "Etablissement", parse_text),
        ("order_id", "ID commande", parse_text),
        ("order_name", "Nom commande", parse_optional_text),
        ("waiter", "Vendeur", parse_optional_text),
        ("comment", "Commentaires", parse_optional_text),
        ("product", "Produit", parse_text),
        ("sku", "SKU", parse_optional_text),
        ("quantity", "Quantité", parse_decimal),
        ("currency", "Devise", parse_text),
        ("unit_price_ttc", "Prix unitaire TTC", parse_decimal),
    ),
    FileKind.REFUNDS: (
        ("closed_at", "Date fermeture", parse_datetime),
        ("establishment_id", "ID Etablissement", parse_text),
        ("establishment", "Etablissement", parse_text),
        ("refund_number", "No de remboursement", parse_text),
        ("order_id", "ID commande", parse_text),
        ("waiter", "Ouvert par vendeur", parse_optional_text),
        ("comment", "Commentaires", parse_optional_text),
        ("product", "Produit", parse_text),
        ("sku", "SKU", parse_optional_text),
        ("quantity", "Quantité", parse_decimal),
        ("note", "Code de la carte-cadeau", parse_optional_text),
        ("currency", "Devise", parse_text),
        ("ca_ttc", "CA TTC", parse_decimal),
        ("ca_ht", "CA HT", parse_decimal),
        ("vat_amount", "Montant TVA", parse_decimal),
    ),
}

HEADERS: dict[FileKind, frozenset[str]] = {
    kind: frozenset(header for _, header, _ in spec) for kind, spec in SPECS.items()
}
