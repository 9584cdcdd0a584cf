"""Journal entries from source documents: one balanced entry per METRO document, expense and till day.

Amounts are signed (positive: debit, negative: credit), so a credit note, whose amounts METRO prints
negative, reverses its accounts without a case of its own. Each entry sums to zero to the cent: when a
document's printed total differs from its lines and VAT table (only a document loaded despite a gap can),
the remainder goes to its largest line, the usual treatment of a rounding difference.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal

from tenant_apps.expenses.selectors import ExpenseVatLine
from tenant_apps.metro.selectors import LedgerDocument
from tenant_apps.sales.selectors import DayTakings

from .chart import (
    CASH_OVER,
    CASH_SHORT,
    DOWN_PAYMENT,
    SUPPLIER_METRO,
    expense_key,
    rate_key,
    supplier_key,
)

ZERO = Decimal("0.00")


class Journal:
    PURCHASES = ("AC", "Achats")
    SALES = ("VT", "Ventes")


@dataclass(frozen=True, slots=True)
class Posting:
    key: str  # chart key of the account
    amount: Decimal  # positive: debit; negative: credit
    # The auxiliary account's label when the chart has none for it (an expense supplier's name as typed).
    aux_label: str = ""


@dataclass(frozen=True, slots=True)
class Entry:
    journal: tuple[str, str]  # (code, label)
    day: date
    piece_ref: str
    piece_date: date
    label: str
    valid_date: date
    postings: tuple[Posting, ...]


def _balanced(postings: list[Posting]) -> tuple[Posting, ...]:
    kept = [p for p in postings if p.amount != 0]
    remainder = sum((p.amount for p in kept), ZERO)
    if remainder and kept:
        largest = max(range(len(kept)), key=lambda i: abs(kept[i].amount))
        kept[largest] = replace(kept[largest], amount=kept[largest].amount - remainder)
    return tuple(p for p in kept if p.amount != 0)


def _document_postings(doc: LedgerDocument) -> list[Posting] | None:
    if doc.doc_type in ("invoice", "credit_note", "deposit_refund"):
        postings = [Posting(rate_key("purchase", r), net) for r, net in sorted(doc.net_by_rate.items())]
        postings += [Posting(rate_key("purchase_vat", r), vat) for r, vat in sorted(doc.vat_by_rate.items())]
        computed = sum((p.amount for p in postings), ZERO)
        total = doc.total_gross if doc.total_gross is not None else computed
        return [*postings, Posting(SUPPLIER_METRO, -total)]
    # Down payments carry no VAT and print their sign inconsistently (metro_etl.reconcile): the document's
    # kind says the direction. The refund receipt records money paid back, a bank movement the accountant
    # takes from the bank statement; its credit note is what clears the advance here.
    amount = abs(doc.down_payment or doc.total_gross or ZERO)
    if doc.doc_type == "down_payment_invoice":
        return [Posting(DOWN_PAYMENT, amount), Posting(SUPPLIER_METRO, -amount)]
    if doc.doc_type == "down_payment_credit_note":
        return [Posting(SUPPLIER_METRO, amount), Posting(DOWN_PAYMENT, -amount)]
    return None


def purchase_entry(doc: LedgerDocument, *, valid_date: date) -> Entry | None:
    """The purchases-journal entry of one METRO document; None when it moves no account (an empty
    invoice, a down-payment refund receipt)."""
    postings = _document_postings(doc)
    if not postings:
        return None
    balanced = _balanced(postings)
    if not balanced:
        return None
    return Entry(
        journal=Journal.PURCHASES,
        day=doc.invoice_date,
        piece_ref=doc.number,
        piece_date=doc.invoice_date,
        label=f"METRO {_kind_label(doc.doc_type)} {doc.number}",
        valid_date=max(valid_date, doc.invoice_date),
        postings=balanced,
    )


def supplier_labels(lines: Iterable[ExpenseVatLine]) -> dict[str, str]:
    """The label of each expense supplier's account over a period: the name as first typed (lines come
    oldest first, then by id). The first rather than the most frequent spelling: the reader of the file
    finds it on the account's first entry, and no count or tie rule is needed to explain it."""
    labels: dict[str, str] = {}
    for line in lines:
        labels.setdefault(supplier_key(line.supplier), " ".join(line.supplier.split()))
    return labels


def expense_entry(line: ExpenseVatLine, *, supplier_label: str = "") -> Entry | None:
    """The purchases-journal entry of one expense: its HT on its category's charge account, its VAT as
    deductible at its rate, its TTC owed to its supplier (labelled `supplier_label`, else the name as
    typed). None for an expense of zero."""
    supplier = Posting(
        supplier_key(line.supplier), -line.amount_ttc, aux_label=supplier_label or line.supplier
    )
    postings = [
        Posting(expense_key(line.category), line.amount_ht),
        Posting(rate_key("purchase_vat", line.vat_rate), line.vat),
        supplier,
    ]
    balanced = _balanced(postings)
    if not balanced:
        return None
    return Entry(
        journal=Journal.PURCHASES,
        day=line.date,
        piece_ref=line.reference or f"DEP{line.expense_id:06d}",
        piece_date=line.date,
        label=f"{line.supplier} {line.label}",
        valid_date=line.date,
        postings=balanced,
    )


def _kind_label(doc_type: str) -> str:
    return {
        "invoice": "facture",
        "credit_note": "avoir",
        "deposit_refund": "avoir consigne",
        "down_payment_invoice": "facture d'acompte",
        "down_payment_credit_note": "avoir d'acompte",
    }.get(doc_type, doc_type)


def sales_entry(takings: DayTakings, *, valid_date: date) -> Entry | None:
    """The sales-journal entry of one day of till takings: sales and VAT per rate against the money per
    payment method; a difference between the two is a cash over or short."""
    postings = [Posting(rate_key("sales", r), -net) for r, net in _by_rate(takings.net_by_rate)]
    postings += [Posting(rate_key("sales_vat", r), -vat) for r, vat in _by_rate(takings.vat_by_rate)]
    postings += [Posting(f"payment:{m}", amount) for m, amount in sorted(takings.paid_by_method.items())]
    difference = sum((p.amount for p in postings), ZERO)
    if difference:
        postings.append(Posting(CASH_OVER if difference > 0 else CASH_SHORT, -difference))
    balanced = _balanced(postings)
    if not balanced:
        return None
    ref = f"Z{takings.day:%Y%m%d}"
    return Entry(
        journal=Journal.SALES,
        day=takings.day,
        piece_ref=ref,
        piece_date=takings.day,
        label=f"Recettes caisse du {takings.day:%d/%m/%Y}",
        valid_date=max(valid_date, takings.day),
        postings=balanced,
    )


def _by_rate(amounts: dict[Decimal | None, Decimal]) -> Iterable[tuple[Decimal | None, Decimal]]:
    return sorted(amounts.items(), key=lambda item: (item[0] is None, item[0] or ZERO))
