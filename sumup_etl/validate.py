"""The checks that decide whether an order's figures can be trusted (see :class:`IssueCode`)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from decimal import Decimal

from .columns import Row
from .models import FileKind, Issue, IssueCode, OrderLine, Payment, VatBreakdown
from .vat import implied_rate

_ZERO = Decimal("0.00")
_CURRENCY = "EUR"
Amounts = tuple[Decimal, Decimal, Decimal]  # TTC, HT, TVA


def order_issues(
    *,
    head: Row,
    lines: Sequence[OrderLine],
    payments: Sequence[Payment],
    breakdown: Sequence[VatBreakdown] | None,
    related_rows: Mapping[FileKind, Sequence[Row]],
    names: Mapping[FileKind, str],
) -> tuple[Issue, ...]:
    """Every issue of one order; ``breakdown`` is None when no tva file was given."""
    order_id: str = head["order_id"]
    issues: list[Issue] = []
    if head["currency"] != _CURRENCY:
        message = f"currency {head['currency']!r}; only {_CURRENCY} is supported"
        issues.append(Issue(code=IssueCode.UNSUPPORTED_CURRENCY, message=message, order_id=order_id))
    issues.extend(_line_issues(lines, names.get(FileKind.LINES)))
    totals: Amounts = (head["total_ttc"], head["total_ht"], head["total_vat"])
    gap = _gap(totals, _sum((line.ca_ttc, line.ca_ht, line.vat_amount) for line in lines))
    if gap:
        issues.append(
            Issue(code=IssueCode.LINES_TOTAL_MISMATCH, message=f"Σ lines vs order: {gap}", order_id=order_id)
        )
    if breakdown is not None:
        issues.extend(_breakdown_issues(order_id, totals, lines, breakdown))
    if FileKind.PAYMENTS in names:
        issues.extend(_payment_issues(head, payments))
    issues.extend(_date_issues(head, related_rows, names))
    return tuple(issues)


def _line_issues(lines: Iterable[OrderLine], filename: str | None) -> Iterator[Issue]:
    for line in lines:
        if line.ca_ht + line.vat_amount != line.ca_ttc:
            message = f"{line.product}: HT {line.ca_ht} + TVA {line.vat_amount} ≠ TTC {line.ca_ttc}"
            yield _at(IssueCode.LINE_AMOUNTS_INCONSISTENT, message, line, filename)
        if line.vat_rate is None and line.ca_ttc != 0:
            rate = implied_rate(ht=line.ca_ht, vat=line.vat_amount)
            message = f"{line.product}: HT {line.ca_ht} for TTC {line.ca_ttc} (~{rate} %) fits no legal rate"
            yield _at(IssueCode.VAT_RATE_UNKNOWN, message, line, filename)
        expected = line.unit_price_ttc * line.quantity - line.discount
        if expected != line.ca_ttc:
            message = (
                f"{line.product}: {line.quantity} x {line.unit_price_ttc} - {line.discount} = {expected},"
                f" CA TTC {line.ca_ttc}"
            )
            yield _at(IssueCode.UNIT_PRICE_MISMATCH, message, line, filename)


def _at(code: IssueCode, message: str, line: OrderLine, filename: str | None) -> Issue:
    return Issue(code=code, message=message, order_id=line.order_id, filename=filename, line=line.source_line)


def _breakdown_issues(
    order_id: str, totals: Amounts, lines: Sequence[OrderLine], breakdown: Sequence[VatBreakdown]
) -> Iterator[Issue]:
    gap = _gap(totals, _sum((row.ca_ttc, row.ca_ht, row.vat_amount) for row in breakdown))
    if gap:
        yield Issue(
            code=IssueCode.VAT_BREAKDOWN_MISMATCH, message=f"Σ tva vs order: {gap}", order_id=order_id
        )
        return
    by_rate: dict[Decimal | None, list[Amounts]] = defaultdict(list)
    for line in lines:
        by_rate[line.vat_rate].append((line.ca_ttc, line.ca_ht, line.vat_amount))
    table: dict[Decimal | None, list[Amounts]] = defaultdict(list)
    for row in breakdown:
        table[row.vat_rate].append((row.ca_ttc, row.ca_ht, row.vat_amount))
    for rate in sorted(set(by_rate) | set(table), key=lambda value: (value is None, value or 0)):
        gap = _gap(_sum(table.get(rate, ())), _sum(by_rate.get(rate, ())))
        if gap:
            message = f"at {rate if rate is not None else 'no'} % VAT, Σ lines vs tva: {gap}"
            yield Issue(code=IssueCode.VAT_BREAKDOWN_MISMATCH, message=message, order_id=order_id)


def _payment_issues(head: Row, payments: Sequence[Payment]) -> Iterator[Issue]:
    paid = sum((payment.amount for payment in payments), _ZERO)
    if paid != head["total_paid"] or head["total_paid"] != head["total_ttc"]:
        message = f"payments {paid}, Total Paiements {head['total_paid']}, CA TTC {head['total_ttc']}"
        yield Issue(code=IssueCode.PAYMENTS_MISMATCH, message=message, order_id=head["order_id"])


def _date_issues(
    head: Row, related: Mapping[FileKind, Sequence[Row]], names: Mapping[FileKind, str]
) -> Iterator[Issue]:
    for kind, rows in related.items():
        for row in rows:
            if (row["opened_at"], row["closed_at"]) != (head["opened_at"], head["closed_at"]):
                message = (
                    f"{kind.value} gives {row['opened_at']} → {row['closed_at']},"
                    f" totaux {head['opened_at']} → {head['closed_at']}"
                )
                yield Issue(
                    code=IssueCode.DATES_MISMATCH,
                    message=message,
                    order_id=head["order_id"],
                    filename=names.get(kind),
                    line=row["source_line"],
                )
                break


def _sum(rows: Iterable[Amounts]) -> Amounts:
    ttc, ht, vat = _ZERO, _ZERO, _ZERO
    for row_ttc, row_ht, row_vat in rows:
        ttc, ht, vat = ttc + row_ttc, ht + row_ht, vat + row_vat
    return ttc, ht, vat


def _gap(expected: Amounts, actual: Amounts) -> str:
    """'' when equal to the cent, else which of TTC/HT/TVA differ and by what."""
    parts = [
        f"{label} {got} ≠ {want}"
        for label, want, got in zip(("TTC", "HT", "TVA"), expected, actual, strict=True)
        if got != want
    ]
    return ", ".join(parts)
