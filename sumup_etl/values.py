"""Cell grammar of the SumUp export: decimal-comma numbers, local datetimes, durations, header names.

Every parser raises :class:`ValueError` with a short reason; the CSV layer adds the file, line and column.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import datetime, timedelta
from decimal import Decimal
from functools import lru_cache

# Decimal comma, no thousands separator; a sign is accepted for refunds although the sample has none.
# Twelve integer digits bound the work Decimal does on hostile input and are far above any till amount.
# ASCII digits only: \d alone would take Arabic-Indic digits, which int() and Decimal() accept too.
_DECIMAL = re.compile(r"-?\d{1,12}(?:,\d{1,6})?", re.ASCII)
_INTEGER = re.compile(r"\d{1,9}", re.ASCII)
_DATETIME = re.compile(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}", re.ASCII)
_DURATION = re.compile(r"(\d{1,7}):([0-5]\d):([0-5]\d)", re.ASCII)
# Zero-width characters SumUp leaves in headers ("Prix \u200b\u200bunitaire TTC") and a stray BOM.
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff"))
_SPACES = re.compile(r"\s+")
# Till exports repeat the same prices and timestamps thousands of times; the results are immutable, so a
# bounded memo shares them (only successful parses are kept: an exception is never cached).
_MEMO_SIZE = 8192


@lru_cache(maxsize=_MEMO_SIZE)
def parse_decimal(text: str) -> Decimal:
    """``"1549,00"`` → ``Decimal("1549.00")``; the scale of the text is kept."""
    value = text.strip()
    if not _DECIMAL.fullmatch(value):
        raise ValueError(f"not a decimal-comma number: {_shown(text)}")
    return Decimal(value.replace(",", "."))


def parse_int(text: str) -> int:
    value = text.strip()
    if not _INTEGER.fullmatch(value):
        raise ValueError(f"not a whole number: {_shown(text)}")
    return int(value)


@lru_cache(maxsize=_MEMO_SIZE)
def parse_datetime(text: str) -> datetime:
    """``"2023-11-08 21:13:14"`` → a naive datetime (the till's local time; the zone is the caller's)."""
    value = text.strip()
    if not _DATETIME.fullmatch(value):
        raise ValueError(f"not a 'YYYY-MM-DD HH:MM:SS' date: {_shown(text)}")
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        raise ValueError(f"not a valid date: {_shown(text)}") from None


def parse_duration(text: str) -> timedelta:
    """``"91:53:59"`` → timedelta; hours are not bounded by 24."""
    match = _DURATION.fullmatch(text.strip())
    if not match:
        raise ValueError(f"not an 'HH:MM:SS' duration: {_shown(text)}")
    hours, minutes, seconds = (int(group) for group in match.groups())
    return timedelta(hours=hours, minutes=minutes, seconds=seconds)


def parse_text(text: str) -> str:
    value = text.strip()
    if not value:
        raise ValueError("empty value")
    return value


def parse_optional_text(text: str) -> str | None:
    return text.strip() or None


def normalize_header(name: str) -> str:
    """The comparable form of a header cell: no invisible characters, single spaces, NFC."""
    cleaned = _SPACES.sub(" ", name.translate(_INVISIBLE)).strip()
    return unicodedata.normalize("NFC", cleaned)


def _shown(text: str) -> str:
    return repr(text if len(text) <= 40 else text[:40] + "…")
