"""Per-order checks: a blocking issue marks the order for the caller to skip or force; warnings inform."""

from __future__ import annotations

from decimal import Decimal

from sumup_etl import BLOCKING_ISSUES, Export, IssueCode, Order, read_export
from tests.factories.sumup import SumupExportBuilder

LINES_FILE = "rapport-de-commandes-produits-2024-01-01_2024-01-31.csv"


def read(builder: SumupExportBuilder) -> Export:
    return read_export(list(builder.files().items()))


def only_order(builder: SumupExportBuilder) -> Order:
    (order,) = read(builder).orders
    return order


def codes(order: Order) -> list[IssueCode]:
    return [issue.code for issue in order.issues]


def test_lines_that_do_not_sum_to_the_order_total(builder: SumupExportBuilder) -> None:
    builder.rows["totaux"][0]["CA TTC"] = "27,01"
    builder.rows["totaux"][0]["Total Paiements"] = "27,01"
    builder.rows["paiements"][0]["Montant Paiements"] = "27,01"
    order = only_order(builder)
    assert IssueCode.LINES_TOTAL_MISMATCH in codes(order)
    assert not order.is_valid
    issue = next(issue for issue in order.issues if issue.code is IssueCode.LINES_TOTAL_MISMATCH)
    assert "TTC 27.00 ≠ 27.01" in issue.message
    assert issue.order_id == "ORDER-1"


def test_a_line_whose_ht_and_vat_do_not_make_its_ttc(builder: SumupExportBuilder) -> None:
    builder.rows["produits"][1]["Montant TVA"] = "2,01"
    builder.rows["totaux"][0]["Total Montant TVA"] = "3,37"
    order = only_order(builder)
    assert codes(order).count(IssueCode.LINE_AMOUNTS_INCONSISTENT) == 1
    issue = next(issue for issue in order.issues if issue.code is IssueCode.LINE_AMOUNTS_INCONSISTENT)
    assert (issue.filename, issue.line) == (LINES_FILE, 3)
    assert not order.is_valid


def test_a_line_whose_rate_is_no_legal_rate(builder: SumupExportBuilder) -> None:
    # 15,00 TTC over 13,00 HT is 15.4 %: between 10 % (13,64 HT) and 20 % (12,50 HT), a cent from neither.
    builder = SumupExportBuilder().add_order(lines=(("PLAT", 1, "15,00", "13,00", "2,00"),))
    order = only_order(builder)
    assert order.lines[0].vat_rate is None
    assert codes(order) == [IssueCode.VAT_RATE_UNKNOWN]
    assert "15.38 %" in order.issues[0].message
    assert not order.is_valid


def test_a_free_line_has_no_rate_and_no_issue() -> None:
    order = only_order(SumupExportBuilder().add_order(lines=(("CAFE OFFERT", 1, "0,00", "0,00", "0,00"),)))
    assert order.lines[0].vat_rate is None
    assert order.issues == ()


def test_rates_rounded_per_unit_still_snap() -> None:
    # 4 x 8,00 TTC at 20 %: the till writes 4 x 6,67 = 26,68 HT, 0,013 from 32 / 1.2.
    order = only_order(SumupExportBuilder().add_order(lines=(("DESPERADOS", 4, "8,00", "26,68", "5,32"),)))
    assert order.lines[0].vat_rate == Decimal(20)
    assert order.is_valid


def test_the_vat_file_disagreeing_with_the_order(builder: SumupExportBuilder) -> None:
    builder.rows["tva"][0]["CA TTC"] = "16,00"
    builder.rows["tva"][0]["CA HT"] = "14,64"
    order = only_order(builder)
    assert codes(order) == [IssueCode.VAT_BREAKDOWN_MISMATCH]
    assert "Σ tva vs order" in order.issues[0].message


def test_the_vat_file_splitting_the_rates_otherwise_than_the_lines(builder: SumupExportBuilder) -> None:
    # Same order totals, but the tva file puts everything at 20 %.
    builder.rows["tva"] = [
        {**builder.rows["tva"][0], "CA TTC": "27,00", "CA HT": "22,50", "Montant TVA": "4,50"}
    ]
    builder.rows["totaux"][0].update({"CA HT": "22,50", "Total Montant TVA": "4,50"})
    order = only_order(builder)
    assert IssueCode.VAT_BREAKDOWN_MISMATCH in codes(order)


def test_without_a_vat_file_nothing_is_cross_checked(builder: SumupExportBuilder) -> None:
    builder.rows["tva"][0]["CA TTC"] = "99,00"
    files = {name: data for name, data in builder.files().items() if "-tva-" not in name}
    (order,) = read_export(list(files.items())).orders
    assert order.vat_rows == ()
    assert order.is_valid


def test_rows_of_an_order_that_is_not_in_totaux(builder: SumupExportBuilder) -> None:
    builder.rows["produits"].append({**builder.rows["produits"][0], "ID commande": "GHOST"})
    builder.rows["paiements"].append({**builder.rows["paiements"][0], "ID commande": "GHOST"})
    export = read(builder)
    assert [(issue.code, issue.order_id, issue.line) for issue in export.issues] == [
        (IssueCode.ORPHAN_ROW, "GHOST", 4),
        (IssueCode.ORPHAN_ROW, "GHOST", 3),
    ]
    assert all(issue.blocking for issue in export.issues)
    assert export.orders[0].is_valid


def test_a_currency_other_than_euro(builder: SumupExportBuilder) -> None:
    builder.rows["totaux"][0]["Devise"] = "USD"
    assert IssueCode.UNSUPPORTED_CURRENCY in codes(only_order(builder))


def test_overpayment_and_a_price_off_the_menu_are_warnings_only(builder: SumupExportBuilder) -> None:
    builder.rows["paiements"][0]["Montant Paiements"] = "30,00"
    builder.rows["produits"][0]["Prix unitaire TTC"] = "16,00"
    order = only_order(builder)
    assert sorted(codes(order)) == [IssueCode.PAYMENTS_MISMATCH, IssueCode.UNIT_PRICE_MISMATCH]
    assert order.is_valid
    assert order.payments_by_method == {"Espèces": Decimal("30.00")}


def test_payments_by_method_add_up_split_bills() -> None:
    order = only_order(
        SumupExportBuilder().add_order(
            payments=(("Espèces", "10,00"), ("Carte Bancaire", "12,00"), ("Espèces", "5,00"))
        )
    )
    assert order.payments_by_method == {"Espèces": Decimal("15.00"), "Carte Bancaire": Decimal("12.00")}
    assert order.issues == ()


def test_a_row_repeating_other_dates_than_its_order(builder: SumupExportBuilder) -> None:
    builder.rows["produits"][1]["Date fermeture"] = "2024-01-05 21:41:00"
    order = only_order(builder)
    assert codes(order) == [IssueCode.DATES_MISMATCH]
    assert order.issues[0].line == 3
    assert order.is_valid


def test_the_blocking_set() -> None:
    assert {code for code in IssueCode if code.blocking} == BLOCKING_ISSUES
    assert {
        IssueCode.LINES_TOTAL_MISMATCH,
        IssueCode.LINE_AMOUNTS_INCONSISTENT,
        IssueCode.VAT_RATE_UNKNOWN,
        IssueCode.VAT_BREAKDOWN_MISMATCH,
        IssueCode.UNSUPPORTED_CURRENCY,
        IssueCode.ORPHAN_ROW,
    } == BLOCKING_ISSUES


def test_products_take_the_usual_rate_and_the_latest_price() -> None:
    builder = SumupExportBuilder()
    builder.add_order("A", closed="2024-01-05 21:00:00", lines=(("JUS", 1, "3,00", "2,84", "0,16"),))
    builder.add_order("B", closed="2024-01-06 21:00:00", lines=(("JUS", 2, "3,50", "6,64", "0,36"),))
    builder.add_order("C", closed="2024-01-04 21:00:00", lines=(("JUS", 1, "3,00", "2,50", "0,50"),))
    (product,) = read(builder).products
    assert (product.name, product.vat_rate, product.vat_rates) == (
        "JUS",
        Decimal("5.5"),
        (Decimal("5.5"), Decimal(20)),
    )
    assert (product.unit_price_ttc, product.line_count, product.quantity) == (Decimal("3.50"), 3, Decimal(4))
    assert product.ca_ttc == Decimal("13.00")
    assert (product.first_sold_at.day, product.last_sold_at.day) == (4, 6)
