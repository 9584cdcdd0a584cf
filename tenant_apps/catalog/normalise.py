"""What a supplier's designation tells about a product: brand, volume in cl, alcohol degree; and its category.

Suppliers (METRO first) print designations in capitals, abbreviated to ~30 characters
("WH GLENFIDDICH 15A 40D 70CL", "VODKA POLIAKOV 37,5D 20CL X6"). The line's own columns (unit volume in
litres, % vol) are preferred when printed; the designation is the fallback. The brand is a best guess (the
first word that is not a product type or a number) and stays editable on the product.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

_SPACES = re.compile(r"\s+")
_VOLUME = re.compile(r"(?<![\d.,])(\d+(?:[.,]\d+)?)\s*(CL|ML|L)\b")
_DEGREE = re.compile(r"(?<![\d.,])(\d{1,2}(?:[.,]\d{1,2})?)\s*D\b")
_WORD = re.compile(r"[A-Z][A-Z'&-]{2,}")
# Product-type words and abbreviations that open designations but are no brand.
_NOT_BRANDS = frozenset(
    [
        "VODKA",
        "VDK",
        "WHISKY",
        "WH",
        "WHI",
        "RHUM",
        "RUM",
        "GIN",
        "TEQUILA",
        "COGNAC",
        "LIQUEUR",
        "LIQ",
        "PASTIS",
        "APERITIF",
        "BIERE",
        "BIER",
        "VIN",
        "VINS",
        "CHAMPAGNE",
        "CHAMP",
        "CREMANT",
        "BDX",
        "RGE",
        "RSE",
        "BLC",
        "BLANC",
        "ROUGE",
        "ROSE",
        "IGP",
        "AOC",
        "AOP",
        "VDF",
        "NECT",
        "NECTAR",
        "JUS",
        "SIROP",
        "SODA",
        "EAU",
        "ARO",
        "PACK",
        "LOT",
        "BOITE",
        "CARTON",
        "SAC",
        "SACS",
        "POT",
        "POTS",
        "PAINS",
        "PAIN",
        "SAUCE",
        "HUILE",
        "SUCRE",
        "FARINE",
        "CAFE",
        "THE",
        "LIVRAISON",
        "GARANTIE",
        "CDT",
        "BTE",
        "BTL",
        "BOUT",
        "FUT",
        "VERRE",
        "VERRES",
        "SERV",
        "SERVIETTES",
        "MPRO",
        "PET",
        "CAN",
    ]
)


@dataclass(frozen=True, slots=True)
class Designation:
    normalised: str
    brand: str
    volume_cl: Decimal | None
    degree: Decimal | None


def _decimal(text: str) -> Decimal | None:
    try:
        return Decimal(text.replace(",", "."))
    except InvalidOperation:
        return None


def designation_parse(
    designation: str, *, unit_volume_l: Decimal | None = None, vol_alcool: Decimal | None = None
) -> Designation:
    normalised = _SPACES.sub(" ", designation).strip().upper()
    volume_cl: Decimal | None = None
    if unit_volume_l is not None and unit_volume_l > 0:
        volume_cl = (unit_volume_l * 100).quantize(Decimal("0.01"))
    elif match := _VOLUME.search(normalised):
        value = _decimal(match.group(1))
        if value is not None:
            factor = {"CL": Decimal(1), "ML": Decimal("0.1"), "L": Decimal(100)}[match.group(2)]
            volume_cl = (value * factor).quantize(Decimal("0.01"))
    degree = vol_alcool
    if degree is None and (match := _DEGREE.search(normalised)):
        degree = _decimal(match.group(1))
    brand = next((w for w in _WORD.findall(normalised) if w not in _NOT_BRANDS), "")
    return Designation(normalised=normalised, brand=brand[:64], volume_cl=volume_cl, degree=degree)


@dataclass(frozen=True, slots=True)
class Rule:
    """A `ClassificationRule` row, compiled: what the classifier needs and nothing else."""

    id: int
    field: str  # a RuleField value
    regex: re.Pattern[str]
    category_id: int


def rule_compile(*, rule_id: int, field: str, pattern: str, category_id: int) -> Rule | None:
    """None for a pattern that does not compile: an editable rule must never break an import."""
    try:
        regex = re.compile(pattern, re.IGNORECASE)
    except re.error:
        return None
    return Rule(id=rule_id, field=field, regex=regex, category_id=category_id)


def rule_match(rules: Sequence[Rule], *, designation: str, supplier_section: str) -> Rule | None:
    """The first matching rule (rules come sorted by priority), or None."""
    for rule in rules:
        text = designation if rule.field == "designation" else supplier_section
        if text and rule.regex.search(text):
            return rule
    return None


def category_match(rules: Sequence[Rule], *, designation: str, supplier_section: str) -> int | None:
    """The category of the first matching rule, or None."""
    rule = rule_match(rules, designation=designation, supplier_section=supplier_section)
    return rule.category_id if rule else None
