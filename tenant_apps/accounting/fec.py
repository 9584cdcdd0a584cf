"""The FEC file format (article A47 A-1 of the Livre des procédures fiscales; BOI-CF-IOR-60-40-20).

One header line naming the 18 columns in their legal order, then one line per posting; fields separated
by a tab, dates AAAAMMJJ, amounts with a decimal comma and no thousands separator, the debit and the
credit each in its own column (the other 0,00). The text is encoded in ISO 8859-15, one of the encodings
the article names, which holds every French letter and the euro sign.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date
from decimal import Decimal

from .chart import Account
from .entries import Entry

COLUMNS = (
    "JournalCode",
    "JournalLib",
    "EcritureNum",
    "EcritureDate",
    "CompteNum",
    "CompteLib",
    "CompAuxNum",
    "CompAuxLib",
    "PieceRef",
    "PieceDate",
    "EcritureLib",
    "Debit",
    "Credit",
    "EcritureLet",
    "DateLet",
    "ValidDate",
    "Montantdevise",
    "Idevise",
)
SEPARATOR = "\t"
END_OF_LINE = "\r\n"
ENCODING = "iso-8859-15"


def file_name(*, siren: str, closing: date) -> str:
    return f"{siren}FEC{closing:%Y%m%d}.txt"


def fec_date(day: date) -> str:
    return f"{day:%Y%m%d}"


def fec_amount(amount: Decimal) -> str:
    return f"{amount:.2f}".replace(".", ",")


def _text(value: str) -> str:
    # A tab or a line break inside a label would shift every following column.
    return " ".join(value.split())


def _line(fields: Iterable[str]) -> bytes:
    text = SEPARATOR.join(_text(f) for f in fields) + END_OF_LINE
    return text.encode(ENCODING, errors="replace")


def header() -> bytes:
    return _line(COLUMNS)


def entry_lines(entry: Entry, *, number: str, accounts: dict[str, Account]) -> Iterator[bytes]:
    """The lines of one entry, numbered `number`; `accounts` gives each posting's account by key."""
    code, journal_label = entry.journal
    for posting in entry.postings:
        account = accounts[posting.key]
        aux_label = (
            (account.aux_label or posting.aux_label or account.aux_number) if account.aux_number else ""
        )
        yield _line(
            (
                code,
                journal_label,
                number,
                fec_date(entry.day),
                account.number,
                account.label,
                account.aux_number,
                aux_label,
                entry.piece_ref,
                fec_date(entry.piece_date),
                entry.label,
                fec_amount(max(posting.amount, Decimal(0))),
                fec_amount(max(-posting.amount, Decimal(0))),
                "",
                "",
                fec_date(entry.valid_date),
                "",
                "",
            )
        )
