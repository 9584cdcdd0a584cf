"""The bulk writes of one invoice: products (upsert), lines (COPY), facts and prices (INSERT … SELECT).

Each is a fixed number of statements whatever the invoice's size, and none does Python work per value
beyond building the row tuples.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db import connection

from metro_etl import VAT_RATES, ArticleLine, ParsedInvoice

from ..models import (
    Category,
    ClassificationRule,
    Invoice,
    InvoiceLine,
    LineKind,
    PriceHistory,
    Product,
    PurchaseFact,
)
from ..normalise import Rule, category_match, designation_parse, rule_compile

CENT = Decimal("0.01")


@dataclass(frozen=True)
class LoadContext:
    """What every invoice of a batch needs once: the classification rules, and the product ids seen so far.

    `product_ids` only ever holds products of committed transactions (see `invoice_load`), so a rolled-back
    invoice never leaves an id behind that does not exist.
    """

    rules: tuple[Rule, ...]
    categories: dict[int, tuple[str, str, str]]
    product_ids: dict[str, int] = field(default_factory=dict)


def load_context_build() -> LoadContext:
    rules = []
    for row in ClassificationRule.objects.filter(is_active=True).order_by("priority", "id"):
        rule = rule_compile(rule_id=row.pk, field=row.field, pattern=row.pattern, category_id=row.category_id)
        if rule is not None:
            rules.append(rule)
    categories = {c.pk: (c.famille, c.categorie, c.sous_categorie) for c in Category.objects.all()}
    return LoadContext(rules=tuple(rules), categories=categories)


def product_key(line: ArticleLine) -> str:
    """The product's natural key: its EAN, or its article number where the row prints no EAN."""
    return f"ean:{line.ean}" if line.ean else f"art:{line.article_number}"


def products_upsert(lines: tuple[ArticleLine, ...], context: LoadContext) -> dict[str, int]:
    """Product ids by key. New products are inserted (classified); every touched one is flagged stale.

    At most three statements, and in a batch's steady state only the (no-op) flag: ids already known to
    the batch come from `context`, unknown keys are looked up, and only the really new ones are inserted.
    """
    firsts: dict[str, ArticleLine] = {}
    for line in lines:
        firsts.setdefault(product_key(line), line)
    if not firsts:
        return {}
    ids = {key: context.product_ids[key] for key in firsts if key in context.product_ids}
    table = Product._meta.db_table
    with connection.cursor() as cursor:
        unknown = [key for key in firsts if key not in ids]
        if unknown:
            cursor.execute(f"SELECT cle, id FROM {table} WHERE cle = ANY(%s)", [unknown])  # noqa: S608
            ids.update(cursor.fetchall())
        new = [key for key in firsts if key not in ids]
        if new:
            rows = [_product_values(key, firsts[key], context) for key in new]
            cursor.execute(
                f"""
                INSERT INTO {table} ({", ".join(_PRODUCT_COLUMNS)}, aggregats_a_jour, quantite_colis_totale,
                    quantite_unitaire_totale, montant_total_ht, montant_total_tva, montant_total, nb_achats,
                    created_at)
                VALUES {", ".join([_PRODUCT_PLACEHOLDER] * len(rows))}
                ON CONFLICT (cle) DO UPDATE SET aggregats_a_jour = false
                RETURNING cle, id
                """,  # noqa: S608 - table and column names are ours; values are parameters
                [value for row in rows for value in row],  # type: ignore[misc]
            )
            ids.update(cursor.fetchall())
        # Known products: flagged stale in this transaction, so a crash before the batch's refresh
        # is harmless.
        # The condition makes it a no-op for products an earlier invoice of the batch already flagged.
        known = [ids[key] for key in firsts if key not in new]
        if known:
            cursor.execute(
                f"UPDATE {table} SET aggregats_a_jour = false WHERE id = ANY(%s) AND aggregats_a_jour",  # noqa: S608
                [known],
            )
    return ids


_PRODUCT_COLUMNS = (
    "cle",
    "ean",
    "article_numero",
    "designation",
    "designation_normalisee",
    "marque",
    "volume_cl",
    "degre_alcool",
    "categorie_metro",
    "category_id",
    "famille",
    "categorie",
    "sous_categorie",
    "code_tva",
    "taux_tva",
    "regie",
    "vol_alcool",
    "unite",
    "volume_unitaire",
)
_PRODUCT_PLACEHOLDER = "({}, false, 0, 0, 0, 0, 0, 0, now())".format(
    ", ".join(["%s"] * len(_PRODUCT_COLUMNS))
)


def _product_values(key: str, line: ArticleLine, context: LoadContext) -> tuple[object, ...]:
    """The `_PRODUCT_COLUMNS` of a product first seen on `line`."""
    parsed = designation_parse(line.designation, unit_volume_l=line.unit_volume, vol_alcool=line.vol_alcool)
    category_id = category_match(
        context.rules, designation=parsed.normalised, categorie_metro=line.category or ""
    )
    famille, categorie, sous_categorie = context.categories.get(category_id or 0, ("", "", ""))
    metro = (line.category or "")[:64]
    return (
        key,
        line.ean or "",
        line.article_number,
        line.designation[:128],
        parsed.normalised[:128],
        parsed.brand,
        parsed.volume_cl,
        parsed.degree,
        metro,
        category_id,
        famille,
        # Without a matching rule the product keeps METRO's own section as its category.
        categorie or metro,
        sous_categorie,
        line.vat_code,
        VAT_RATES.get(line.vat_code),
        line.regie or "",
        line.vol_alcool,
        _unit(line),
        line.unit_volume,
    )


def _unit(line: ArticleLine) -> str:
    return "KG" if line.weighed else "U"


def _vat(amount: Decimal, code: str) -> tuple[Decimal | None, Decimal | None]:
    rate = VAT_RATES.get(code)
    if rate is None:
        return None, None
    return rate, (amount * rate / 100).quantize(CENT, rounding=ROUND_HALF_UP)


LINE_COLUMNS = (
    "invoice_id",
    "position",
    "kind",
    "product_id",
    "ean",
    "article_numero",
    "designation",
    "mm",
    "colisage",
    "quantite_colis",
    "quantite_unitaire",
    "poids_kg",
    "prix_colis",
    "prix_unitaire",
    "montant_ht",
    "volume_unitaire",
    "unite",
    "code_tva",
    "taux_tva",
    "montant_tva",
    "regie",
    "vol_alcool",
    "categorie",
    "promo",
)
Row = tuple[object, ...]


def line_rows(parsed: ParsedInvoice, invoice_id: int, products: dict[str, int]) -> list[Row]:
    """`LINE_COLUMNS` values in print order: an article, then the COTIS and discount rows under it."""
    ordered: list[tuple[tuple[int, int, int], Row]] = []
    for line in parsed.lines:
        ordered.append(((line.position, 0, 0), _article_row(line, products[product_key(line)])))
    for index, cotis in enumerate(parsed.cotis_lines):
        row = _extra_row(LineKind.COTIS, cotis.label, cotis.amount, cotis.vat_code)
        ordered.append(((cotis.after_position, 1, index), row))
    for index, discount in enumerate(parsed.discount_lines):
        row = _extra_row(LineKind.DISCOUNT, discount.label, discount.amount, discount.vat_code)
        ordered.append(((discount.after_position, 2, index), row))
    for down in parsed.down_payment_lines:
        label = f"{down.label} {down.contract or ''}".strip()
        ordered.append(((down.position, 0, 0), _extra_row(LineKind.DOWN_PAYMENT, label, down.amount, "")))
    ordered.sort(key=lambda item: item[0])
    return [(invoice_id, position, *row) for position, (_, row) in enumerate(ordered, start=1)]


def _article_row(line: ArticleLine, product_id: int) -> Row:
    taux, montant_tva = _vat(line.amount, line.vat_code)
    colisage = line.colisage or 1
    if line.weight_kg is not None:
        unit_quantity = line.weight_kg * (-1 if line.quantity < 0 else 1)
    else:
        unit_quantity = Decimal(colisage * line.quantity)
    return (
        LineKind.ARTICLE.value,
        product_id,
        line.ean or "",
        line.article_number,
        line.designation[:128],
        line.mm or "",
        line.colisage,
        Decimal(line.quantity),
        unit_quantity,
        line.weight_kg,
        line.unit_price * colisage,
        line.unit_price,
        line.amount,
        line.unit_volume,
        _unit(line),
        line.vat_code,
        taux,
        montant_tva,
        line.regie or "",
        line.vol_alcool,
        (line.category or "")[:64],
        line.promo or "",
    )


def _extra_row(kind: LineKind, label: str, amount: Decimal, code: str) -> Row:
    taux, montant_tva = _vat(amount, code)
    return (
        kind.value,
        None,
        "",
        "",
        label[:128],
        "",
        None,
        None,
        None,
        None,
        None,
        None,
        amount,
        None,
        "",
        code,
        taux,
        montant_tva,
        "",
        None,
        "",
        "",
    )


def lines_copy(rows: list[Row]) -> None:
    """COPY … FROM STDIN: the fastest way into PostgreSQL, with no per-value work in Django."""
    table = InvoiceLine._meta.db_table
    with (
        connection.cursor() as cursor,
        cursor.copy(f"COPY {table} ({', '.join(LINE_COLUMNS)}) FROM STDIN") as copy,
    ):
        for row in rows:
            copy.write_row(row)


def facts_and_prices_insert(*, invoice_id: int) -> None:
    """Facts and price points straight from the article lines: one SQL statement, no Python per row."""
    line, fact, price, inv = (
        InvoiceLine._meta.db_table,
        PurchaseFact._meta.db_table,
        PriceHistory._meta.db_table,
        Invoice._meta.db_table,
    )
    with connection.cursor() as cursor:
        # Price points come from purchases only: a return repeats a price already paid.
        cursor.execute(
            f"""
            WITH facts AS (
                INSERT INTO {fact} (line_id, product_id, invoice_id, date_achat, quantite_colis,
                    quantite_unitaire, prix_unitaire, prix_colis, colisage, montant_ht, montant_tva)
                SELECT l.id, l.product_id, l.invoice_id, i.date_facture, l.quantite_colis,
                       l.quantite_unitaire,
                       l.prix_unitaire, l.prix_colis, l.colisage, l.montant_ht, COALESCE(l.montant_tva, 0)
                FROM {line} l JOIN {inv} i ON i.id = l.invoice_id
                WHERE l.invoice_id = %s AND l.kind = %s
                RETURNING product_id, invoice_id, date_achat, prix_unitaire, quantite_unitaire
            )
            INSERT INTO {price} (product_id, invoice_id, date, prix_unitaire)
            SELECT DISTINCT product_id, invoice_id, date_achat, prix_unitaire FROM facts
            WHERE quantite_unitaire > 0
            ON CONFLICT DO NOTHING
            """,  # noqa: S608 - table names come from model metadata, values are parameters
            [invoice_id, LineKind.ARTICLE.value],
        )
