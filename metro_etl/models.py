"""Typed, immutable records for a parsed METRO document.

Amounts are :class:`decimal.Decimal` with the sign applied (a trailing ``-`` on paper becomes a negative
number); nothing here is ever a float.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

# Printed rates per VAT code. C is 20 % (services such as delivery), not 10 % as the predecessor had it.
VAT_RATES: dict[str, Decimal] = {
    "A": Decimal("0.00"),
    "B": Decimal("5.50"),
    "C": Decimal("20.00"),
    "D": Decimal("20.00"),
    "E": Decimal("10.00"),
}


class DocType(enum.StrEnum):
    INVOICE = "invoice"
    CREDIT_NOTE = "credit_note"
    DEPOSIT_REFUND = "deposit_refund"
    DOWN_PAYMENT_INVOICE = "down_payment_invoice"
    DOWN_PAYMENT_REFUND = "down_payment_refund"
    DOWN_PAYMENT_CREDIT_NOTE = "down_payment_credit_note"

    @property
    def is_down_payment(self) -> bool:
        return self in _DOWN_PAYMENT_TYPES


_DOWN_PAYMENT_TYPES = frozenset(
    {DocType.DOWN_PAYMENT_INVOICE, DocType.DOWN_PAYMENT_REFUND, DocType.DOWN_PAYMENT_CREDIT_NOTE}
)


@dataclass(frozen=True, slots=True)
class ArticleLine:
    """One printed article row. Its identity is (invoice number, position): METRO repeats identical rows."""

    position: int
    page: int
    mm: str | None  # "M" or "+" from the MM column
    ean: str | None  # 8, 13 or 14 digits; None when only the article number is printed
    article_number: str  # 7 digits, kept as text (leading zeros matter)
    designation: str
    regie: str | None  # excise regime letter, not a product category
    vol_alcool: Decimal | None  # % vol
    vap: Decimal | None  # litres of pure alcohol per selling unit
    unit_volume: Decimal | None  # "Poids ou volume unit.L." (litres or kg per unit); None for weighed items
    unit_price: Decimal  # per unit, or per kg when weighed
    colisage: int | None  # units per pack; None when weighed
    quantity: int  # signed: returns are negative
    weight_kg: Decimal | None  # weighed items only
    amount: Decimal  # signed line total HT
    vat_code: str
    promo: str | None  # "P" or "PP"
    extr: str | None
    category: str | None  # METRO section from the "*** X Total:" line that closes it
    raw: str  # the printed row, for audit

    @property
    def weighed(self) -> bool:
        return self.weight_kg is not None

    @property
    def is_return(self) -> bool:
        return self.amount < 0

    @property
    def expected_amount(self) -> Decimal:
        """What the row's own figures give: price x colisage x qty, or kg x price/kg for weighed items."""
        if self.weight_kg is not None:
            sign = -1 if self.quantity < 0 else 1
            return self.unit_price * self.weight_kg * sign
        return self.unit_price * (self.colisage or 1) * self.quantity


@dataclass(frozen=True, slots=True)
class CotisLine:
    """``Plus : COTIS. SECURITE SOCIALE``: a levy added to the total under its own VAT code."""

    after_position: int  # the article it belongs to
    label: str
    amount: Decimal
    vat_code: str


@dataclass(frozen=True, slots=True)
class DiscountLine:
    """``Offre …`` or ``N POUR M``: no VAT code is printed; it takes the preceding article's code."""

    after_position: int
    label: str
    amount: Decimal  # with the printed sign (positive on credit notes)
    vat_code: str


@dataclass(frozen=True, slots=True)
class InfoLine:
    """Text that carries no amount of its own (customs class, price per kg, GTIN/lot, returns …)."""

    after_position: int  # 0 when it precedes every article
    text: str


@dataclass(frozen=True, slots=True)
class DownPaymentLine:
    """The single ``Acompte pour le contrat …`` row of a down-payment document."""

    position: int
    label: str
    contract: str | None
    amount: Decimal


@dataclass(frozen=True, slots=True)
class CategoryTotal:
    """``*** SPIRITUEUX Total: 106,61``: METRO's subtotal for the section that ends here."""

    name: str
    amount: Decimal
    last_position: int


@dataclass(frozen=True, slots=True)
class VatRow:
    code: str
    rate: Decimal  # percent, as printed (e.g. 5.50)
    ht: Decimal
    tva: Decimal
    ttc: Decimal


@dataclass(frozen=True, slots=True)
class PageHeader:
    """What each page repeats; kept so that reconciliation can check the pages belong together."""

    page_no: int | None
    page_count: int | None
    number: str | None
    store_name: str | None
    invoice_datetime: datetime | None


@dataclass(frozen=True, slots=True)
class ParsedInvoice:
    doc_type: DocType
    doc_label: str  # as printed, e.g. "Nº FACTURE", "AVOIR Consigne"
    number: str  # e.g. "0/0(135)0011/021323"
    referenced_invoice_number: str | None  # "Pour la facture nº" of a credit note
    recalled_invoice_number: str | None  # "Mise en attente rappelée et facturée …"
    ticket: str | None  # "(012-118038)" → "012-118038"
    invoice_date: date
    invoice_datetime: datetime  # wall-clock time as printed (METRO prints French local time, no zone)
    store_name: str
    store_code: str
    customer_number: str | None
    pages: int  # PDF pages
    lines: tuple[ArticleLine, ...]
    cotis_lines: tuple[CotisLine, ...]
    discount_lines: tuple[DiscountLine, ...]
    info_lines: tuple[InfoLine, ...]
    down_payment_lines: tuple[DownPaymentLine, ...]
    category_totals: tuple[CategoryTotal, ...]
    vat_rows: tuple[VatRow, ...]
    total_ht: Decimal | None  # totals row under the VAT table, else "Total H.T. :"
    total_tva: Decimal | None  # totals row; None when no VAT table is printed
    total_ttc: Decimal | None  # totals row; None when no VAT table is printed
    total_a_payer: Decimal | None
    total_ht_line: Decimal | None  # "Total H.T. :" as printed
    montant_hors_tva: Decimal | None  # "Montant hors T.V.A.:" when printed
    page_headers: tuple[PageHeader, ...]
    unparsed_lines: tuple[str, ...]  # rows in the article area that matched no known shape
    sha256: str
    filename: str | None = None

    @property
    def printed_total(self) -> Decimal | None:
        """The total the document prints: the totals row's TTC, else its "Total à payer" (empty invoices,
        down-payment documents and any other document printed without a VAT table), sign as printed."""
        return self.total_ttc if self.total_ttc is not None else self.total_a_payer

    @property
    def is_empty(self) -> bool:
        """An invoice with no lines at all (``Total H.T. : 0,00`` and no VAT table)."""
        return not (self.lines or self.cotis_lines or self.discount_lines or self.down_payment_lines)
