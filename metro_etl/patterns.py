"""The printed grammar of a METRO invoice: regular expressions and French number parsing.

Rows are kept as printed, including U+00A0. METRO prints a no-break space where a minus sign would go
(``12,51\\xa0`` vs ``12,51-``) and as the thousands separator (``1\\xa0522,40``). Python's ``\\s`` matches
it, so the patterns below treat it as blank space and only the sign character is significant.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

# An amount with 2 decimals: "8,14", "1999,00", "1 522,40" / "1\xa0522,40". The look-behind stops a match
# from starting inside a longer number.
AMT = r"(?<![\d,])(?:\d{1,3}(?:[ \xa0]\d{3})+|\d+),\d{2}(?!\d)"
# A signed amount: the sign is a trailing "-", a no-break space stands in for "+".
SAMT = rf"{AMT}-?"
DEC3 = r"\d+,\d{3}"
NUMBER = r"[0-9]/0\(\d{3}\)\d{4}/\d{6}"

DASH_RULE = re.compile(r"^-{60,}\s*$")
VAT_RULE = re.compile(r"-{40,}\s*$")

# --- header ------------------------------------------------------------------------------------------
TITLE = re.compile(
    rf"^\s*(?P<label>\S.*?)?\s*(?P<number>{NUMBER})\s*②?\s*(?:\((?P<ticket>\d{{3}}-\d{{6}})\))?"
)
REFERENCE = re.compile(rf"Pour la facture n[º°o]\s*(?P<number>{NUMBER})")
RECALLED = re.compile(rf"Mise en attente rappel\w*e et factur\w*e\s*(?P<number>{NUMBER})")
STORE = re.compile(r"①⑮\s*(?P<store>\S.*?)(?:\s{2,}|$)")
PAGE = re.compile(r"PAGE\s*:\s*(?P<no>\d+)\s*/\s*(?P<count>\d+)")
INVOICE_DATE = re.compile(
    r"Date facture\s*:\s*(?P<d>\d{2})-(?P<m>\d{2})-(?P<y>\d{4})(?:\s+(?P<hh>\d{2}):(?P<mi>\d{2}))?"
)
CUSTOMER = re.compile(r"N[º°o] Client\s*:\s*(?P<customer>\S.*?)\s*$")
TABLE_HEADER = re.compile(r"^MM\s+EAN\s+Num")
TABLE_HEADER_2 = re.compile(r"^\s*article\s+de l'article")

# --- article area ------------------------------------------------------------------------------------
# Left part: MM column, optional EAN, the 7-digit article number.
ARTICLE_HEAD = re.compile(
    r"^(?P<mm>M|\s?\+)?\s*(?:(?P<ean>\d{14}|\d{13}|\d{8})\s+)?(?P<art>\d{7})\s(?P<rest>.*)$"
)
# Rest of the row, read from the end: price, then colisage + qty (or a bare qty for weighed items), amount,
# VAT code, promo flag, Extr. column.
ARTICLE_TAIL = re.compile(
    # Greedy body: the price is the right-most x,xxx that is followed by a complete tail.
    rf"^(?P<body>.*)\s(?P<price>{DEC3})\s*"
    r"(?:(?P<colis>\d+)\s*(?P<qty>\d+-?)|(?P<wqty>\d+-?))"
    rf"\s+(?P<amount>{SAMT})\s+(?P<vat>[A-Z])(?:\s+(?P<promo>PP|P))?(?:\s+(?P<extr>\d+))?\s*$"
)
# Middle part of a packed article: designation [régie [vol VAP] unit volume].
PACKED_BODY = re.compile(
    rf"^(?P<desig>.*?)(?:\s+(?P<regie>\S)\s+(?:(?P<vol>\d+,\d)\s+(?P<vap>{DEC3}-?)\s+)?(?P<volume>{DEC3}))?\s*$"
)
# Middle part of a weighed article: designation, then the weight in kg.
WEIGHED_BODY = re.compile(rf"^(?P<desig>.*?)\s+(?P<kg>{DEC3}-?)\s*$")

LEVY = re.compile(rf"^\s*Plus\s*:\s*(?P<label>\S.*?)\s+(?P<amount>{SAMT})\s+(?P<vat>[A-Z])\s*$")
DISCOUNT = re.compile(
    rf"^\s*(?P<label>Offre\b.*?|\d+\s+POUR\s+\d+\b.*?)\s+(?P<amount>{SAMT})\s*$", re.IGNORECASE
)
CATEGORY_TOTAL = re.compile(rf"^\s*\*\*\*\s*(?P<name>.+?)\s+Total\s*:\s*(?P<amount>{SAMT})\s*$")
DONT = re.compile(r"^\s*Dont\s*:")
DOWN_PAYMENT = re.compile(
    rf"^\s*(?P<label>Acompte\b.*?)(?:\s+(?P<contract>\d{{4}}/\d+))?\s+(?P<amount>{SAMT})\s*$"
)
# Any row that still ends in an amount is money we did not understand.
ENDS_WITH_AMOUNT = re.compile(rf"\s{SAMT}\s*(?:[A-Z]\s*)?$")
# The article table ends where the totals block starts.
TOTALS_START = re.compile(r"Nombre de colis\s*:|Total H\.T\.\s*:")

# --- totals block ------------------------------------------------------------------------------------
TOTAL_HT_LINE = re.compile(rf"Total H\.T\.\s*:\s*(?P<amount>{SAMT})")
MONTANT_HORS_TVA = re.compile(rf"Montant hors T\.V\.A\.\s*:\s*(?P<amount>{SAMT})")
VAT_TABLE_HEADER = re.compile(r"Montant H\.T\.\s+Taux T\.V\.A\.")
VAT_ROW = re.compile(
    rf"\s(?P<ht>{SAMT})\s+(?P<code>[A-Z])\s*=\s*(?P<rate>\d+,\d{{2}})\s*%\s+(?P<tva>{SAMT})\s+(?P<ttc>{SAMT})\s*$"
)
TOTALS_ROW = re.compile(rf"(?:^|\s)(?P<ht>{SAMT})\s+(?P<tva>{SAMT})\s+(?P<ttc>{SAMT})\s*$")
TOTAL_A_PAYER = re.compile(rf"Total à payer\s+(?P<amount>{SAMT})")


def parse_amount(text: str) -> Decimal:
    """``"1\\xa0522,40-"`` → ``Decimal("-1522.40")``."""
    raw = text.strip()
    negative = raw.endswith("-")
    digits = raw.rstrip("-").replace("\xa0", "").replace(" ", "").replace(",", ".")
    try:
        value = Decimal(digits)
    except InvalidOperation as exc:
        raise ValueError(f"not a French decimal: {text!r}") from exc
    return -value if negative else value


def parse_int(text: str) -> int:
    """``"15-"`` → ``-15``."""
    raw = text.strip()
    return -int(raw[:-1]) if raw.endswith("-") else int(raw)
