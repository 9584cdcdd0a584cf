"""Anything that is not a usable SumUp export fails with one SumupParseError naming the file, line, column."""

from __future__ import annotations

import pickle
import zipfile
from pathlib import Path

import pytest

from sumup_etl import (
    BadValueError,
    CompressionRatioError,
    CorruptArchiveError,
    DuplicateFileError,
    EncodingError,
    InconsistentExportError,
    Limits,
    MalformedCsvError,
    MissingColumnError,
    MissingFileError,
    NotSumupExportError,
    SumupParseError,
    TooLargeError,
    TooManyMembersError,
    UnreadableFileError,
    read_export,
)
from sumup_etl.errors import ERROR_CODES
from tests.factories.sumup import UNIT_PRICE, SumupExportBuilder

LINES_FILE = "rapport-de-commandes-produits-2024-01-01_2024-01-31.csv"
ORDERS_FILE = "rapport-de-commandes-totaux-2024-01-01_2024-01-31.csv"


def read(builder: SumupExportBuilder, **kwargs: object) -> object:
    return read_export(list(builder.files().items()), **kwargs)  # type: ignore[arg-type]


def test_the_builder_export_is_valid(builder: SumupExportBuilder, tmp_path: Path) -> None:
    export = read_export(builder.write(tmp_path))
    (order,) = export.orders
    assert order.is_valid
    assert order.issues == ()
    assert [line.vat_rate for line in order.lines] == [10, 20]


@pytest.mark.parametrize("column", ["CA TTC", UNIT_PRICE, "Quantité", "ID commande"])
def test_missing_column(builder: SumupExportBuilder, column: str) -> None:
    builder.drop_column("produits", column)
    with pytest.raises(MissingColumnError) as caught:
        read(builder)
    assert (caught.value.filename, caught.value.line, caught.value.column) == (LINES_FILE, 1, column)
    assert "produits" in caught.value.message


def test_a_file_missing_most_columns_is_still_named_by_its_file_name(builder: SumupExportBuilder) -> None:
    # What is left (the order keys and the waiter) looks more like paiements than totaux.
    for column in ["Nb clients", "Durée commande", "Statut commande", "CA TTC", "CA HT", "Total Montant TVA"]:
        builder.drop_column("totaux", column)
    for column in ["Total Paiements", "Nom commande", "Fermé sur table", "ID commande personnalisé"]:
        builder.drop_column("totaux", column)
    with pytest.raises(MissingColumnError, match="the totaux file lacks") as caught:
        read(builder)
    assert (caught.value.filename, caught.value.column) == (ORDERS_FILE, "CA HT")


def test_a_renamed_file_is_recognised_by_its_header(builder: SumupExportBuilder) -> None:
    renamed = [(f"export-{number}.csv", data) for number, data in enumerate(builder.files().values())]
    assert len(read_export(renamed).orders) == 1


def test_a_renamed_file_missing_a_column_is_taken_for_the_kind_it_resembles(
    builder: SumupExportBuilder,
) -> None:
    builder.drop_column("produits", "Remises")
    files = builder.files()
    files["lines.csv"] = files.pop(LINES_FILE)
    with pytest.raises(MissingColumnError, match=r"the produits file lacks column\(s\) Remises") as caught:
        read_export(list(files.items()))
    assert (caught.value.filename, caught.value.column) == ("lines.csv", "Remises")


@pytest.mark.parametrize(
    ("kind", "column", "value", "reason"),
    [
        ("produits", "CA TTC", "15.00", "decimal-comma"),
        ("produits", "CA TTC", "1 549,00", "decimal-comma"),
        ("produits", "Quantité", "", "decimal-comma"),
        ("produits", "Remises", "abc", "decimal-comma"),
        ("produits", "Date fermeture", "05/01/2024 21:40", "YYYY-MM-DD"),
        ("produits", "Date fermeture", "2024-02-30 21:40:00", "not a valid date"),
        ("produits", "ID commande", "  ", "empty"),
        ("totaux", "Nb clients", "deux", "whole number"),
        ("totaux", "Durée commande", "2h37", "HH:MM:SS"),
        ("paiements", "Montant Paiements", "27,00 €", "decimal-comma"),
    ],
)
def test_bad_value_names_file_line_and_column(
    builder: SumupExportBuilder, kind: str, column: str, value: str, reason: str
) -> None:
    builder.add_order("ORDER-2")
    builder.rows[kind][-1][column] = value
    with pytest.raises(BadValueError, match=reason) as caught:
        read(builder)
    error = caught.value
    expected_line = len(builder.rows[kind]) + 1  # header on line 1
    assert (error.filename, error.line, error.column) == (builder.file_name(kind), expected_line, column)
    assert f"line {expected_line}, column {column!r}" in str(error)


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("notes.csv", b'"Date";"Montant"\r\n"2024-01-01";"12,00"\r\n', "unknown header"),
        ("comma.csv", b"Etablissement,ID commande,CA TTC\r\nx,y,1\r\n", "';'-separated"),
        ("empty.csv", b"", "empty file"),
        ("invoice.pdf", b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n", "unknown header"),
        ("photo.png", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(64), "binary"),
    ],
)
def test_not_a_sumup_file(builder: SumupExportBuilder, name: str, data: bytes, reason: str) -> None:
    with pytest.raises(NotSumupExportError, match=reason) as caught:
        read_export([*builder.files().items(), (name, data)])
    assert caught.value.filename == name


def test_no_file_at_all() -> None:
    with pytest.raises(NotSumupExportError):
        read_export([])


def test_a_required_file_missing(builder: SumupExportBuilder) -> None:
    files = {name: data for name, data in builder.files().items() if "-paiements-" not in name}
    with pytest.raises(MissingFileError, match="paiements"):
        read_export(list(files.items()))


def test_two_exports_mixed(builder: SumupExportBuilder) -> None:
    files = list(builder.files().items())
    with pytest.raises(DuplicateFileError):
        read_export([*files, ("copy.csv", files[0][1])])


def test_an_order_id_twice_in_totaux(builder: SumupExportBuilder) -> None:
    builder.rows["totaux"].append(dict(builder.rows["totaux"][0]))
    with pytest.raises(InconsistentExportError, match="appears twice") as caught:
        read(builder)
    assert (caught.value.filename, caught.value.line) == (ORDERS_FILE, 3)


def test_a_row_with_the_wrong_number_of_fields(builder: SumupExportBuilder) -> None:
    files = builder.files()
    files[LINES_FILE] += b'"only";"three";"fields"'
    with pytest.raises(MalformedCsvError, match="3 fields") as caught:
        read_export(list(files.items()))
    assert (caught.value.filename, caught.value.line) == (LINES_FILE, 4)


def test_a_stray_quote(builder: SumupExportBuilder) -> None:
    files = builder.files()
    files[LINES_FILE] = files[LINES_FILE].replace(b'"GUINESS"', b'"GUI"NESS"')
    with pytest.raises(MalformedCsvError) as caught:
        read_export(list(files.items()))
    assert caught.value.filename == LINES_FILE


def test_a_huge_field_is_refused(builder: SumupExportBuilder) -> None:
    builder.rows["produits"][0]["Code de la carte-cadeau"] = "x" * 20_000
    with pytest.raises(MalformedCsvError, match="20,000 characters") as caught:
        read(builder)
    assert (caught.value.line, caught.value.column) == (2, "Code de la carte-cadeau")
    # A field over the csv module's own limit fails inside the reader, still with its line.
    builder.rows["produits"][0]["Code de la carte-cadeau"] = "x" * 200_000
    with pytest.raises(MalformedCsvError) as caught:
        read(builder)
    assert caught.value.line == 2


def test_windows_1252_is_detected_and_reported(builder: SumupExportBuilder) -> None:
    builder.rows["produits"][0]["Produit"] = "Crème brûlée"
    files = builder.files()
    files[LINES_FILE] = builder.csv_bytes("produits", encoding="cp1252")
    export = read_export(list(files.items()))
    assert export.orders[0].lines[0].product == "Crème brûlée"
    encodings = {source.name: source.encoding for source in export.files}
    assert encodings[LINES_FILE] == "cp1252"
    assert encodings[ORDERS_FILE] == "utf-8"


def test_a_bom_and_utf_16_are_read(builder: SumupExportBuilder) -> None:
    files = builder.files()
    files[LINES_FILE] = b"\xef\xbb\xbf" + files[LINES_FILE]
    files[ORDERS_FILE] = builder.csv_bytes("totaux", encoding="utf-16")
    export = read_export(list(files.items()))
    encodings = {source.name: source.encoding for source in export.files}
    assert (encodings[LINES_FILE], encodings[ORDERS_FILE]) == ("utf-8-sig", "utf-16")
    assert export.orders[0].total_ttc == 27


def test_bytes_that_are_not_the_encoding(builder: SumupExportBuilder) -> None:
    files = builder.files()
    files[LINES_FILE] = files[LINES_FILE].replace(b"GUINESS", b"GUI\xffNESS")
    with pytest.raises(EncodingError, match="utf-8") as caught:
        read_export(list(files.items()), encoding="utf-8")
    assert (caught.value.filename, caught.value.line) == (LINES_FILE, 3)
    # Undeclared: the header's UTF-8 accents show the file is damaged UTF-8, not Windows-1252.
    with pytest.raises(EncodingError, match="utf-8") as caught:
        read_export(list(files.items()))
    assert (caught.value.filename, caught.value.line) == (LINES_FILE, 3)


def test_an_unknown_encoding_name(builder: SumupExportBuilder) -> None:
    with pytest.raises(EncodingError, match="unknown encoding"):
        read(builder, encoding="klingon-8")


def test_a_zip_of_the_export(builder: SumupExportBuilder, tmp_path: Path) -> None:
    export = read_export([builder.zip(tmp_path / "export.zip")])
    assert len(export.orders) == 1
    assert {source.name.split("/")[0] for source in export.files} == {"export.zip"}


def test_a_zip_bomb_is_refused_before_it_is_inflated(builder: SumupExportBuilder, tmp_path: Path) -> None:
    path = builder.zip(tmp_path / "bomb.zip")
    with (
        zipfile.ZipFile(path, "a", compression=zipfile.ZIP_DEFLATED) as archive,
        archive.open("rapport-de-commandes-tva-bis.csv", "w") as member,
    ):
        block = bytes(1024 * 1024)
        for _ in range(64):  # 64 MiB of zeros compress to about 64 KiB
            member.write(block)
    assert path.stat().st_size < 200_000
    with pytest.raises(CompressionRatioError, match="zip bomb") as caught:
        read_export([path])
    assert caught.value.filename == "bomb.zip/rapport-de-commandes-tva-bis.csv"


def test_an_export_larger_than_the_budget(builder: SumupExportBuilder, tmp_path: Path) -> None:
    for number in range(40):
        builder.add_order(f"ORDER-{number + 2}")
    path = builder.zip(tmp_path / "export.zip")
    assert len(read_export([path]).orders) == 41
    with pytest.raises(TooLargeError):
        read_export([path], limits=Limits(max_total_bytes=10_000))
    with pytest.raises(TooLargeError):
        read_export(builder.write(tmp_path), limits=Limits(max_total_bytes=10_000))
    with pytest.raises(TooLargeError):
        read_export(list(builder.files().items()), limits=Limits(max_total_bytes=10_000))
    with pytest.raises(TooLargeError):
        read_export([path], limits=Limits(max_archive_bytes=1_000))


def test_thousands_of_members_are_refused_from_the_directory(tmp_path: Path) -> None:
    path = tmp_path / "many.zip"
    with zipfile.ZipFile(path, "w") as archive:
        for number in range(5000):
            archive.writestr(f"{number}.csv", b"")
    with pytest.raises(TooManyMembersError, match="5,000 members"):
        read_export([path])


def test_a_directory_larger_than_its_declared_count_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "many.zip"
    with zipfile.ZipFile(path, "w") as archive:
        for number in range(5000):
            archive.writestr(f"{number}.csv", b"")
    data = bytearray(path.read_bytes())
    end = data.rfind(b"PK\x05\x06")
    data[end + 8 : end + 12] = (6).to_bytes(2, "little") * 2  # "6 members", over a 5,000-entry directory
    with pytest.raises(TooManyMembersError, match="directory bytes"):
        read_export([("many.zip", bytes(data))])


def test_a_zip64_archive_is_refused(builder: SumupExportBuilder, tmp_path: Path) -> None:
    data = builder.zip(tmp_path / "export.zip").read_bytes()
    end = data.rfind(b"PK\x05\x06")
    forged = data[:end] + b"PK\x06\x07" + bytes(16) + data[end:]
    with pytest.raises(TooManyMembersError, match="ZIP64"):
        read_export([("export.zip", forged)])


@pytest.mark.parametrize(
    ("mutate", "error"),
    [
        (lambda data: data[: len(data) // 2], CorruptArchiveError),
        (lambda data: data.replace(b"PK\x05\x06", b"PK\x00\x00"), CorruptArchiveError),
    ],
)
def test_a_damaged_zip(builder: SumupExportBuilder, tmp_path: Path, mutate: object, error: type) -> None:
    data = builder.zip(tmp_path / "export.zip").read_bytes()
    with pytest.raises(error):
        read_export([("export.zip", mutate(data))])  # type: ignore[operator]


def test_macos_metadata_in_a_zip_is_skipped(builder: SumupExportBuilder, tmp_path: Path) -> None:
    path = builder.zip(tmp_path / "export.zip")
    with zipfile.ZipFile(path, "a") as archive:
        archive.writestr("__MACOSX/._rapport-de-commandes-totaux.csv", b"\x00\x05\x16\x07")
        archive.writestr("._rapport.csv", b"\x00\x05\x16\x07")
    assert len(read_export([path]).orders) == 1


def test_a_header_that_repeats_a_column(builder: SumupExportBuilder) -> None:
    builder.headers["paiements"].append("Devise")
    with pytest.raises(MalformedCsvError, match="repeats") as caught:
        read(builder)
    assert caught.value.line == 1


def test_a_zip_member_that_is_not_a_csv(builder: SumupExportBuilder, tmp_path: Path) -> None:
    path = builder.zip(tmp_path / "export.zip")
    with zipfile.ZipFile(path, "a") as archive:
        archive.writestr("readme.txt", b"hello")
        archive.writestr("__MACOSX/._x.csv", b"\x00\x05\x16\x07")  # skipped: macOS metadata
    with pytest.raises(NotSumupExportError, match=r"readme\.txt"):
        read_export([path])


def test_an_unreadable_path(tmp_path: Path) -> None:
    with pytest.raises(UnreadableFileError):
        read_export([tmp_path / "nowhere.zip"])
    with pytest.raises(UnreadableFileError):
        read_export([tmp_path])


def test_errors_survive_pickling_and_serialise() -> None:
    error = BadValueError("not a number", filename="a.csv", line=3, column="CA TTC")
    copy = pickle.loads(pickle.dumps(error))  # noqa: S301 - our own object
    assert (type(copy), str(copy)) == (BadValueError, str(error))
    assert error.as_dict() == {
        "code": "bad_value",
        "message": "not a number",
        "file": "a.csv",
        "line": 3,
        "column": "CA TTC",
    }
    assert isinstance(error, SumupParseError)
    assert "bad_value" in ERROR_CODES
