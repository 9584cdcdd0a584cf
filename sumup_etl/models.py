"""Typed, immutable records of a SumUp orders export.

Amounts are :class:`decimal.Decimal` (never floats) with the export's two decimals. Datetimes are naive: the
till writes local wall-clock time with no zone; the loader makes them aware in the tenant's zone. Empty text
cells are ``None``.
"""

from __future__ import annotations

import enum
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal


class FileKind(enum.StrEnum):
    """The six CSVs of an export, named as in their file names."""

    ORDERS = "totaux"
    LINES = "produits"
    VAT = "tva"
    PAYMENTS = "paiements"
    CANCELLED = "annulés"
    REFUNDS = "produits-rembourses"


class IssueCode(enum.StrEnum):
    # Blocking: the order's figures cannot be trusted; the loader skips it unless told to force.
    LINES_TOTAL_MISMATCH = "lines_total_mismatch"  # Σ lines CA TTC/HT/TVA ≠ the order's totals
    LINE_AMOUNTS_INCONSISTENT = "line_amounts_inconsistent"  # a line's HT + TVA ≠ its TTC
    VAT_RATE_UNKNOWN = "vat_rate_unknown"  # a line whose HT/TTC fit no legal French rate
    VAT_BREAKDOWN_MISMATCH = "vat_breakdown_mismatch"  # the tva file's rows ≠ the order's totals
    UNSUPPORTED_CURRENCY = "unsupported_currency"  # Devise other than EUR
    ORPHAN_ROW = "orphan_row"  # a produits/paiements/tva row whose order is not in totaux (export-level)
    # Warnings: worth showing, not a reason to refuse the order.
    PAYMENTS_MISMATCH = "payments_mismatch"  # Σ payments ≠ Total Paiements ≠ CA TTC (cash change, tips)
    UNIT_PRICE_MISMATCH = "unit_price_mismatch"  # CA TTC ≠ unit price x quantity - discount
    DATES_MISMATCH = "dates_mismatch"  # a row repeats other open/close dates than its order's

    @property
    def blocking(self) -> bool:
        return self in BLOCKING_ISSUES


BLOCKING_ISSUES: frozenset[IssueCode] = frozenset(
    {
        IssueCode.LINES_TOTAL_MISMATCH,
        IssueCode.LINE_AMOUNTS_INCONSISTENT,
        IssueCode.VAT_RATE_UNKNOWN,
        IssueCode.VAT_BREAKDOWN_MISMATCH,
        IssueCode.UNSUPPORTED_CURRENCY,
        IssueCode.ORPHAN_ROW,
    }
)


@dataclass(frozen=True, slots=True)
class Issue:
    """Something wrong with one order (or, for orphan rows, with the export), found after parsing."""

    code: IssueCode
    message: str
    order_id: str | None
    filename: str | None = None
    line: int | None = None  # the row in ``filename`` that shows the problem, when one does

    @property
    def blocking(self) -> bool:
        return self.code.blocking


@dataclass(frozen=True, slots=True)
class SourceFile:
    name: str  # file name, or "archive.zip/member.csv" for a zip member
    kind: FileKind
    encoding: str  # "utf-8", "utf-8-sig", "utf-16", or "cp1252" when the bytes are not UTF-8
    rows: int  # data rows, header excluded
    size: int  # bytes, uncompressed
    sha256: str


@dataclass(frozen=True, slots=True)
class OrderLine:
    """A row of ``produits``. Its identity is (order_id, position): a product may repeat in an order."""

    order_id: str
    position: int  # 1-based, in file order within the order
    product: str  # "Produit", stripped
    sku: str | None
    quantity: Decimal  # whole numbers in practice; Decimal because a till may sell by weight
    unit_price_ttc: Decimal
    discount: Decimal  # "Remises", positive when money was taken off
    ca_ttc: Decimal
    ca_ht: Decimal
    vat_amount: Decimal
    vat_rate: Decimal | None  # percent snapped to {0, 2.1, 5.5, 10, 20}; None for a free line or no fit
    note: str | None  # "Code de la carte-cadeau": free text (e.g. "Avec tombola"), not a gift-card code
    source_line: int


@dataclass(frozen=True, slots=True)
class Payment:
    order_id: str
    method: str  # "Espèces", "Carte Bancaire", "Avoir", "Ticket Restaurant", … as the till names it
    amount: Decimal
    source_line: int


@dataclass(frozen=True, slots=True)
class VatBreakdown:
    """A row of ``tva``: one order's amounts at one rate (the file's own rate column is always empty)."""

    order_id: str
    vat_rate: Decimal | None  # snapped from the row's HT/TTC like a line's
    ca_ttc: Decimal
    ca_ht: Decimal
    vat_amount: Decimal
    source_line: int


@dataclass(frozen=True, slots=True)
class Order:
    """A row of ``totaux`` with its lines, payments and VAT rows joined on ``ID commande``."""

    order_id: str  # "ID commande", a UUID as exported
    establishment_id: str
    establishment: str
    opened_at: datetime  # naive local time
    closed_at: datetime  # naive local time; the sale belongs to this moment
    currency: str
    custom_id: str | None
    name: str | None  # "Nom commande": free text typed at the till
    waiter: str | None  # "Ouvert par vendeur"
    table: str | None  # "Fermé sur table"
    covers: int  # "Nb clients"
    duration: timedelta  # "Durée commande"
    status: str  # "Statut commande", e.g. "CLOSE"
    total_ttc: Decimal
    total_ht: Decimal
    total_vat: Decimal
    total_paid: Decimal  # "Total Paiements"
    lines: tuple[OrderLine, ...]
    payments: tuple[Payment, ...]
    vat_rows: tuple[VatBreakdown, ...]
    issues: tuple[Issue, ...]
    source_line: int

    @property
    def is_valid(self) -> bool:
        """No blocking issue: safe to load without forcing."""
        return not any(issue.blocking for issue in self.issues)

    @property
    def payments_by_method(self) -> dict[str, Decimal]:
        totals: dict[str, Decimal] = {}
        for payment in self.payments:
            totals[payment.method] = totals.get(payment.method, Decimal("0.00")) + payment.amount
        return totals


@dataclass(frozen=True, slots=True)
class CancelledLine:
    """A row of ``annulés``: a product removed from an order before payment (no revenue)."""

    closed_at: datetime
    establishment_id: str
    order_id: str
    order_name: str | None
    waiter: str | None
    comment: str | None
    product: str
    sku: str | None
    quantity: Decimal
    unit_price_ttc: Decimal
    source_line: int


@dataclass(frozen=True, slots=True)
class RefundedLine:
    """A row of ``produits-rembourses``: a product refunded after payment."""

    closed_at: datetime
    establishment_id: str
    refund_number: str
    order_id: str
    waiter: str | None
    comment: str | None
    product: str
    sku: str | None
    quantity: Decimal
    note: str | None
    ca_ttc: Decimal
    ca_ht: Decimal
    vat_amount: Decimal
    source_line: int


@dataclass(frozen=True, slots=True)
class Product:
    """A distinct ``Produit`` name of the export, with what its lines say about it (for dish creation)."""

    name: str
    sku: str | None  # the last non-empty SKU seen (always empty in the sample)
    vat_rate: Decimal | None  # the rate most of its lines have (ties: the higher rate)
    vat_rates: tuple[Decimal, ...]  # every rate its lines have, ascending
    unit_price_ttc: Decimal  # on its most recently closed line
    line_count: int
    quantity: Decimal
    ca_ttc: Decimal
    first_sold_at: datetime  # closed_at of its orders, naive local time
    last_sold_at: datetime


@dataclass(frozen=True, slots=True)
class Export:
    """A whole export, parsed and joined. ``orders`` are sorted by (closed_at, order_id)."""

    files: tuple[SourceFile, ...]
    orders: tuple[Order, ...]
    products: tuple[Product, ...]  # sorted by name
    cancelled: tuple[CancelledLine, ...]
    refunds: tuple[RefundedLine, ...]
    issues: tuple[Issue, ...]  # export-level (orphan rows); per-order issues live on each order

    def chunks(self, size: int = 500) -> Iterator[tuple[Order, ...]]:
        """Orders in groups of ``size`` (each with its lines and payments): one loader transaction each."""
        if size < 1:
            raise ValueError("chunk size must be at least 1")
        for start in range(0, len(self.orders), size):
            yield self.orders[start : start + size]

    def lines(self) -> Iterator[OrderLine]:
        for order in self.orders:
            yield from order.lines

    def payments(self) -> Iterator[Payment]:
        for order in self.orders:
            yield from order.payments

    def all_issues(self) -> Iterator[Issue]:
        yield from self.issues
        for order in self.orders:
            yield from order.issues

    def closed_between(self, start: datetime, end: datetime) -> tuple[Order, ...]:
        """Orders closed in [start, end], both naive local times, inclusive."""
        return tuple(order for order in self.orders if start <= order.closed_at <= end)

    @property
    def line_count(self) -> int:
        return sum(len(order.lines) for order in self.orders)

    @property
    def total_ttc(self) -> Decimal:
        return sum((order.total_ttc for order in self.orders), Decimal("0.00"))
