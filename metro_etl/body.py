"""The body of a document: article rows, levies, discounts, section totals, then the totals block.

The rows of all pages are read as one stream (page furniture already removed), because a section (or
the VAT table and its totals row) may start on one page and end on the next.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from decimal import Decimal

from . import patterns as p
from .models import ArticleLine, CategoryTotal, CotisLine, DiscountLine, DownPaymentLine, InfoLine, VatRow


@dataclass
class BodyResult:
    lines: list[ArticleLine] = field(default_factory=list)
    cotis: list[CotisLine] = field(default_factory=list)
    discounts: list[DiscountLine] = field(default_factory=list)
    infos: list[InfoLine] = field(default_factory=list)
    down_payments: list[DownPaymentLine] = field(default_factory=list)
    categories: list[CategoryTotal] = field(default_factory=list)
    vat_rows: list[VatRow] = field(default_factory=list)
    totals_row: tuple[Decimal, Decimal, Decimal] | None = None
    total_ht_line: Decimal | None = None
    montant_hors_tva: Decimal | None = None
    total_a_payer: Decimal | None = None
    unparsed: list[str] = field(default_factory=list)


class BodyParser:
    def __init__(self) -> None:
        self.result = BodyResult()
        self._in_totals = False
        self._vat_table = False
        self._after_vat_rule = False
        self._uncategorised_from = 0  # index of the first article not yet closed by a "*** … Total:"

    @property
    def _last_position(self) -> int:
        return self.result.lines[-1].position if self.result.lines else 0

    def feed(self, line: str, page: int) -> None:
        if p.DASH_RULE.match(line) and not self._in_totals:
            return
        if self._in_totals:
            self._totals_line(line)
        elif p.TOTALS_START.search(line):
            self._in_totals = True
            self._totals_line(line)
        elif not self._article_area_line(line, page):
            if p.TOTAL_A_PAYER.search(line):
                # Down-payment documents have no totals block: their "Total à payer" follows the line.
                self._in_totals = True
                self._totals_line(line)
            elif p.ENDS_WITH_AMOUNT.search(line):
                self.result.unparsed.append(line.strip())
            else:
                self.result.infos.append(InfoLine(self._last_position, _squash(line)))

    def finish(self) -> BodyResult:
        return self.result

    # --- article area --------------------------------------------------------------------------------
    def _article_area_line(self, line: str, page: int) -> bool:
        """Handle a row of the article table; False when it is none of the known shapes."""
        result = self.result
        if head := p.ARTICLE_HEAD.match(line):
            article = self._article(head, line, page)
            if article is None:
                result.unparsed.append(line.strip())
            else:
                result.lines.append(article)
            return True
        if levy := p.LEVY.match(line):
            result.cotis.append(
                CotisLine(
                    self._last_position,
                    _squash(levy.group("label")),
                    p.parse_amount(levy.group("amount")),
                    levy.group("vat"),
                )
            )
            return True
        if discount := p.DISCOUNT.match(line):
            self._discount(discount, line)
            return True
        if section := p.CATEGORY_TOTAL.match(line):
            self._close_category(_squash(section.group("name")), p.parse_amount(section.group("amount")))
            return True
        if p.DONT.match(line):
            result.infos.append(InfoLine(self._last_position, _squash(line)))
            return True
        if down := p.DOWN_PAYMENT.match(line):
            result.down_payments.append(
                DownPaymentLine(
                    len(result.down_payments) + 1,
                    _squash(down.group("label")),
                    down.group("contract"),
                    p.parse_amount(down.group("amount")),
                )
            )
            return True
        return False

    def _discount(self, discount: re.Match[str], line: str) -> None:
        """A discount takes the VAT code of the article above it."""
        result = self.result
        if not result.lines:
            result.unparsed.append(line.strip())  # no article above it to take a VAT code from
            return
        last = result.lines[-1]
        amount = p.parse_amount(discount.group("amount"))
        result.discounts.append(
            DiscountLine(last.position, _squash(discount.group("label")), amount, last.vat_code)
        )

    def _article(self, head: re.Match[str], line: str, page: int) -> ArticleLine | None:
        tail = p.ARTICLE_TAIL.match(head.group("rest"))
        if tail is None:
            return None
        weighed = tail.group("wqty") is not None
        body = (p.WEIGHED_BODY if weighed else p.PACKED_BODY).match(tail.group("body"))
        if body is None:
            return None
        groups = body.groupdict()
        mm = (head.group("mm") or "").strip() or None
        return ArticleLine(
            position=self._last_position + 1,
            page=page,
            mm=mm,
            ean=head.group("ean"),
            article_number=head.group("art"),
            designation=_squash(groups["desig"]),
            regie=groups.get("regie"),
            vol_alcool=_opt_amount(groups.get("vol")),
            vap=_opt_amount(groups.get("vap")),
            unit_volume=_opt_amount(groups.get("volume")),
            unit_price=p.parse_amount(tail.group("price")),
            colisage=None if weighed else int(tail.group("colis")),
            quantity=p.parse_int(tail.group("wqty") if weighed else tail.group("qty")),
            weight_kg=_opt_amount(groups.get("kg")),
            amount=p.parse_amount(tail.group("amount")),
            vat_code=tail.group("vat"),
            promo=tail.group("promo"),
            extr=tail.group("extr"),
            category=None,
            raw=line.rstrip().replace("\xa0", " "),
        )

    def _close_category(self, name: str, amount: Decimal) -> None:
        lines = self.result.lines
        for index in range(self._uncategorised_from, len(lines)):
            lines[index] = replace(lines[index], category=name)
        self._uncategorised_from = len(lines)
        self.result.categories.append(CategoryTotal(name, amount, self._last_position))

    # --- totals block --------------------------------------------------------------------------------
    def _totals_line(self, line: str) -> None:
        result = self.result
        if result.total_ht_line is None and (ht := p.TOTAL_HT_LINE.search(line)):
            result.total_ht_line = p.parse_amount(ht.group("amount"))
        elif result.montant_hors_tva is None and (mh := p.MONTANT_HORS_TVA.search(line)):
            result.montant_hors_tva = p.parse_amount(mh.group("amount"))
        elif p.VAT_TABLE_HEADER.search(line):
            self._vat_table = True
        elif self._vat_table and not self._after_vat_rule and (row := p.VAT_ROW.search(line)):
            result.vat_rows.append(
                VatRow(
                    code=row.group("code"),
                    rate=p.parse_amount(row.group("rate")),
                    ht=p.parse_amount(row.group("ht")),
                    tva=p.parse_amount(row.group("tva")),
                    ttc=p.parse_amount(row.group("ttc")),
                )
            )
        elif self._vat_table and result.vat_rows and p.VAT_RULE.search(line):
            self._after_vat_rule = True
        elif self._after_vat_rule and result.totals_row is None and (tot := p.TOTALS_ROW.search(line)):
            result.totals_row = (
                p.parse_amount(tot.group("ht")),
                p.parse_amount(tot.group("tva")),
                p.parse_amount(tot.group("ttc")),
            )
        elif result.total_a_payer is None and (pay := p.TOTAL_A_PAYER.search(line)):
            result.total_a_payer = p.parse_amount(pay.group("amount"))
        elif p.DONT.match(line):
            result.infos.append(InfoLine(self._last_position, _squash(line)))


def _opt_amount(text: str | None) -> Decimal | None:
    return None if text is None else p.parse_amount(text)


def _squash(text: str) -> str:
    """Collapse the column padding METRO prints inside fixed-width fields."""
    return " ".join(text.split())
