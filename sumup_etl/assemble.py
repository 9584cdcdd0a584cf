"""Join the parsed CSVs on ``ID commande`` into orders, check each order, and list the products."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import fields
from decimal import Decimal

from .columns import Row
from .csvfile import ParsedCsv
from .errors import InconsistentExportError
from .models import (
    CancelledLine,
    FileKind,
    Issue,
    IssueCode,
    Order,
    OrderLine,
    Payment,
    Product,
    RefundedLine,
    VatBreakdown,
)
from .validate import order_issues
from .vat import snap_rate


def build_orders(files: dict[FileKind, ParsedCsv]) -> tuple[tuple[Order, ...], tuple[Issue, ...]]:
    """The orders sorted by (closed_at, order_id), and the rows that belong to no order."""
    orders_file = files[FileKind.ORDERS]
    heads: dict[str, Row] = {}
    for row in orders_file.rows:
        first = heads.get(row["order_id"])
        if first is not None:
            raise InconsistentExportError(
                f"order {row['order_id']} appears twice (first on line {first['source_line']})",
                filename=orders_file.source.name,
                line=row["source_line"],
                column="ID commande",
            )
        heads[row["order_id"]] = row
    grouped = {kind: _group(files.get(kind)) for kind in (FileKind.LINES, FileKind.PAYMENTS, FileKind.VAT)}
    orphans = tuple(_orphans(files, grouped, heads))
    orders = [
        _order(head, grouped, {kind: files[kind].source.name for kind in grouped if kind in files})
        for head in heads.values()
    ]
    orders.sort(key=lambda order: (order.closed_at, order.order_id))
    return tuple(orders), orphans


def _group(parsed: ParsedCsv | None) -> dict[str, list[Row]]:
    groups: dict[str, list[Row]] = defaultdict(list)
    for row in parsed.rows if parsed else ():
        groups[row["order_id"]].append(row)
    return groups


def _orphans(
    files: dict[FileKind, ParsedCsv], grouped: dict[FileKind, dict[str, list[Row]]], heads: dict[str, Row]
) -> Iterable[Issue]:
    for kind, groups in grouped.items():
        for order_id, rows in groups.items():
            if order_id not in heads:
                yield Issue(
                    code=IssueCode.ORPHAN_ROW,
                    message=f"{len(rows)} {kind.value} row(s) of order {order_id}, which is not in totaux",
                    order_id=order_id,
                    filename=files[kind].source.name,
                    line=rows[0]["source_line"],
                )


def _order(head: Row, grouped: dict[FileKind, dict[str, list[Row]]], names: dict[FileKind, str]) -> Order:
    order_id: str = head["order_id"]
    lines = tuple(
        _line(row, position)
        for position, row in enumerate(grouped[FileKind.LINES].get(order_id, []), start=1)
    )
    payments = tuple(
        Payment(order_id=order_id, method=row["method"], amount=row["amount"], source_line=row["source_line"])
        for row in grouped[FileKind.PAYMENTS].get(order_id, [])
    )
    # A tva row sums lines of unknown quantities; all of the order's units bound its rounding.
    units = sum((line.quantity for line in lines), Decimal(0))
    breakdown = tuple(_vat_row(row, units) for row in grouped[FileKind.VAT].get(order_id, []))
    issues = order_issues(
        head=head,
        lines=lines,
        payments=payments,
        breakdown=breakdown if FileKind.VAT in names else None,
        related_rows={kind: grouped[kind].get(order_id, []) for kind in grouped},
        names=names,
    )
    columns = {name: head[name] for name in _ORDER_FIELDS}
    return Order(**columns, lines=lines, payments=payments, vat_rows=breakdown, issues=issues)


_ORDER_FIELDS = tuple(
    field.name for field in fields(Order) if field.name not in {"lines", "payments", "vat_rows", "issues"}
)


def _vat_row(row: Row, units: Decimal) -> VatBreakdown:
    return VatBreakdown(
        order_id=row["order_id"],
        vat_rate=snap_rate(ttc=row["ca_ttc"], ht=row["ca_ht"], quantity=units),
        ca_ttc=row["ca_ttc"],
        ca_ht=row["ca_ht"],
        vat_amount=row["vat_amount"],
        source_line=row["source_line"],
    )


def _line(row: Row, position: int) -> OrderLine:
    return OrderLine(
        order_id=row["order_id"],
        position=position,
        product=row["product"],
        sku=row["sku"],
        quantity=row["quantity"],
        unit_price_ttc=row["unit_price_ttc"],
        discount=row["discount"],
        ca_ttc=row["ca_ttc"],
        ca_ht=row["ca_ht"],
        vat_amount=row["vat_amount"],
        vat_rate=snap_rate(ttc=row["ca_ttc"], ht=row["ca_ht"], quantity=row["quantity"]),
        note=row["note"],
        source_line=row["source_line"],
    )


def build_products(orders: Iterable[Order]) -> tuple[Product, ...]:
    """One record per product name, from its lines (orders are in closing order, so the last price wins)."""
    sold: dict[str, list[tuple[OrderLine, Order]]] = defaultdict(list)
    for order in orders:
        for line in order.lines:
            sold[line.product].append((line, order))
    return tuple(_product(name, sold[name]) for name in sorted(sold))


def _product(name: str, sales: list[tuple[OrderLine, Order]]) -> Product:
    rates = Counter(line.vat_rate for line, _ in sales if line.vat_rate is not None)
    usual = max(rates, key=lambda rate: (rates[rate], rate)) if rates else None
    last_line, last_order = sales[-1]
    return Product(
        name=name,
        sku=next((line.sku for line, _ in reversed(sales) if line.sku), None),
        vat_rate=usual,
        vat_rates=tuple(sorted(rates)),
        unit_price_ttc=last_line.unit_price_ttc,
        line_count=len(sales),
        quantity=sum((line.quantity for line, _ in sales), Decimal(0)),
        ca_ttc=sum((line.ca_ttc for line, _ in sales), Decimal("0.00")),
        first_sold_at=sales[0][1].closed_at,
        last_sold_at=last_order.closed_at,
    )


def build_cancelled(parsed: ParsedCsv | None) -> tuple[CancelledLine, ...]:
    return tuple(
        CancelledLine(
            closed_at=row["closed_at"],
            establishment_id=row["establishment_id"],
            order_id=row["order_id"],
            order_name=row["order_name"],
            waiter=row["waiter"],
            comment=row["comment"],
            product=row["product"],
            sku=row["sku"],
            quantity=row["quantity"],
            unit_price_ttc=row["unit_price_ttc"],
            source_line=row["source_line"],
        )
        for row in (parsed.rows if parsed else ())
    )


def build_refunds(parsed: ParsedCsv | None) -> tuple[RefundedLine, ...]:
    return tuple(
        RefundedLine(
            closed_at=row["closed_at"],
            establishment_id=row["establishment_id"],
            refund_number=row["refund_number"],
            order_id=row["order_id"],
            waiter=row["waiter"],
            comment=row["comment"],
            product=row["product"],
            sku=row["sku"],
            quantity=row["quantity"],
            note=row["note"],
            ca_ttc=row["ca_ttc"],
            ca_ht=row["ca_ht"],
            vat_amount=row["vat_amount"],
            source_line=row["source_line"],
        )
        for row in (parsed.rows if parsed else ())
    )
