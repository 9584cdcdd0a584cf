"""The accounts the journals post to, by role (a key), with French PCG defaults a tenant may override.

Keys name what an account is for, not its number: `purchase:20.00` is "purchases at 20 % VAT",
`payment:Espèces` "money taken in cash". A tenant's overrides (models.LedgerAccount) replace a key's
number and labels; every other key keeps its default here.

Choices a French accountant would expect, and why:
- purchases by VAT rate on 607xxx (goods bought for resale or transformation), deductible VAT on 44566x;
  METRO's 0 % code is the deposit on returnable containers (consignes): an asset to get back, 4096, not a
  purchase, so that a deposit refund clears it;
- the supplier on 401 with METRO as the auxiliary (third-party) account;
- down payments to METRO on 4091 (advances on orders), cleared by their credit note;
- till takings on 707xxx by VAT rate, collected VAT on 44571x, money on the account of its payment method
  (cash 53, cards and meal vouchers waiting for the bank 511x, store credit redeemed 4191); a day whose
  payments differ from its sales posts the difference to 658/758 (cash short / over);
- an expense on the charge account of its category (`expense:<category name>`: rent 6132, energy and
  water 6061, fees 6226…; a category without one, or none, on 628 "divers"), its VAT on 44566x like a
  purchase, and its supplier on 401 with the supplier's name as the auxiliary account
  (`supplier:<name folded to capitals and digits>`, so that one supplier typed two ways is one account),
  so that each supplier's balance can be read as METRO's is.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal

# The FEC (A47 A-1 LPF): an account number's first three characters are digits of the French chart.
ACCOUNT_NUMBER = re.compile(r"^[1-7][0-9]{2}[0-9A-Z]{0,17}$")
_RATE_KEY = re.compile(r"^(purchase|purchase_vat|sales|sales_vat):(\d{1,2}\.\d{2}|none)$")
_NAMED_KEY = re.compile(r"^(payment|expense|supplier):[^\t\r\n]{1,64}$")

SUPPLIER_METRO = "supplier:metro"
DOWN_PAYMENT = "down_payment"
CASH_OVER = "cash_over"
CASH_SHORT = "cash_short"
PAYMENT_OTHER = "payment:other"  # a method the tenant has not mapped
EXPENSE_OTHER = "expense:other"  # an expense without a category, or of a category not mapped
NO_RATE = "none"  # a till line with no VAT rate


@dataclass(frozen=True, slots=True)
class Account:
    number: str
    label: str
    aux_number: str = ""
    aux_label: str = ""


def rate_text(rate: Decimal | None) -> str:
    return NO_RATE if rate is None else f"{rate:.2f}"


def rate_key(role: str, rate: Decimal | None) -> str:
    return f"{role}:{rate_text(rate)}"


def _pct(rate: str) -> str:
    return rate.rstrip("0").rstrip(".").replace(".", ",") + " %"


_RATES = {"0.00": "00", "2.10": "21", "5.50": "55", "10.00": "10", "20.00": "20"}
_VAT_SUFFIX = {"2.10": "1", "5.50": "2", "10.00": "3", "20.00": "4"}

DEFAULTS: dict[str, Account] = {
    "purchase:0.00": Account("409600", "Emballages consignés à rendre (METRO)"),
    **{
        f"purchase:{rate}": Account(f"6070{suffix}", f"Achats de marchandises TVA {_pct(rate)}")
        for rate, suffix in _RATES.items()
        if rate != "0.00"
    },
    **{
        f"purchase_vat:{rate}": Account(f"44566{suffix}", f"TVA déductible {_pct(rate)}")
        for rate, suffix in _VAT_SUFFIX.items()
    },
    **{
        f"sales:{rate}": Account(f"7070{suffix}", f"Ventes TVA {_pct(rate)}")
        for rate, suffix in _RATES.items()
    },
    **{
        f"sales_vat:{rate}": Account(f"44571{suffix}", f"TVA collectée {_pct(rate)}")
        for rate, suffix in _VAT_SUFFIX.items()
    },
    SUPPLIER_METRO: Account("401000", "Fournisseurs", "METRO", "METRO France"),
    DOWN_PAYMENT: Account("409100", "Fournisseurs - avances et acomptes versés"),
    "payment:Espèces": Account("530000", "Caisse"),
    "payment:Carte Bancaire": Account("511500", "Cartes bancaires à encaisser"),
    "payment:Ticket Restaurant": Account("511600", "Titres-restaurant à encaisser"),
    "payment:Avoir": Account("419100", "Clients - avoirs utilisés"),
    PAYMENT_OTHER: Account("511800", "Autres moyens de paiement à encaisser"),
    CASH_OVER: Account("758000", "Écarts de caisse (excédents)"),
    CASH_SHORT: Account("658000", "Écarts de caisse (manquants)"),
    # The expense categories every tenant starts with (tenant_apps.expenses.seeds), by name.
    "expense:Achats de marchandises": Account("607000", "Achats de marchandises"),
    "expense:Salaires et charges sociales": Account("641000", "Rémunérations du personnel"),
    "expense:Intérim et extras": Account("621000", "Personnel extérieur à l'entreprise"),
    "expense:Loyer": Account("613200", "Locations immobilières"),
    "expense:Charges locatives": Account("614000", "Charges locatives et de copropriété"),
    "expense:Électricité": Account("606100", "Fournitures non stockables (eau, énergie)"),
    "expense:Gaz": Account("606100", "Fournitures non stockables (eau, énergie)"),
    "expense:Eau": Account("606100", "Fournitures non stockables (eau, énergie)"),
    "expense:Entretien et réparations": Account("615000", "Entretien et réparations"),
    "expense:Nettoyage et hygiène": Account("615000", "Entretien et réparations"),
    "expense:Marketing et publicité": Account("623000", "Publicité, publications, relations publiques"),
    "expense:Assurances": Account("616000", "Primes d'assurances"),
    "expense:Frais bancaires": Account("627000", "Services bancaires et assimilés"),
    "expense:Honoraires comptables": Account("622600", "Honoraires"),
    "expense:Télécom et logiciels": Account("626000", "Frais postaux et de télécommunications"),
    "expense:Fournitures": Account("606400", "Fournitures administratives"),
    "expense:Impôts et taxes": Account("635000", "Autres impôts, taxes et versements assimilés"),
    EXPENSE_OTHER: Account("628000", "Charges externes diverses"),
}

# A rate the table above does not know (the till's rates are snapped to French ones, METRO's codes too).
_FALLBACK = {
    "purchase": Account("607000", "Achats de marchandises"),
    "purchase_vat": Account("445660", "TVA déductible"),
    "sales": Account("707000", "Ventes"),
    "sales_vat": Account("445710", "TVA collectée"),
    "payment": DEFAULTS[PAYMENT_OTHER],
    "expense": DEFAULTS[EXPENSE_OTHER],
}


def expense_key(category: str) -> str:
    return f"expense:{category}" if category else EXPENSE_OTHER


def supplier_fold(name: str) -> str:
    """A supplier's name folded to capitals and digits: accents, case, spaces and punctuation dropped,
    so that "Épicerie  du Coin " and "epicerie du coin" are one supplier."""
    folded = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().upper()
    return "".join(c for c in folded if c.isalnum())


def supplier_key(name: str) -> str:
    """The key of an expense supplier's account: its folded name (METRO's own when it folds to METRO, so
    that an expense typed "Metro" joins the invoices' supplier account instead of a twin of it)."""
    folded = supplier_fold(name)
    return SUPPLIER_METRO if folded == "METRO" else f"supplier:{folded or 'DIVERS'}"


def key_canonical(key: str) -> str:
    """The key an account is stored and looked up under: a supplier's by its folded name, so that an
    override set under one spelling serves them all."""
    role, _, name = key.partition(":")
    return supplier_key(name) if role == "supplier" else key


def _supplier_account(folded: str) -> Account:
    # The auxiliary number is the folded name (METRO's is "METRO"): readable in the accountant's ledger and
    # the same however the name is typed. Its label is the name as typed, which only the entries know
    # (entries.supplier_labels); the FEC writer takes it from the posting.
    return Account("401000", "Fournisseurs", folded[:17] or "DIVERS", "")


def describe(key: str) -> str:
    """What the key's account receives, in French (the web page and the API show it)."""
    role, _, rest = key.partition(":")
    rate = _pct(rest) if _RATE_KEY.match(key) and rest != NO_RATE else "sans taux"
    texts = {
        "purchase": f"Achats METRO au taux de {rate}",
        "purchase_vat": f"TVA déductible sur achats à {rate}",
        "sales": f"Ventes en caisse au taux de {rate}",
        "sales_vat": f"TVA collectée à {rate}",
        "payment": f"Encaissements « {rest} »" if rest != "other" else "Autres moyens de paiement",
        "expense": f"Dépenses de la catégorie « {rest} »",
        "supplier": f"Fournisseur « {rest} » des dépenses (compte auxiliaire)",
    }
    fixed = {
        "purchase:0.00": "Consignes METRO (code TVA 0 %), remboursées par les avoirs consigne",
        SUPPLIER_METRO: "Fournisseur METRO (compte auxiliaire)",
        DOWN_PAYMENT: "Acomptes versés à METRO",
        CASH_OVER: "Excédents de caisse (paiements au-delà des ventes)",
        CASH_SHORT: "Manquants de caisse (paiements en deçà des ventes)",
        EXPENSE_OTHER: "Dépenses sans catégorie ou d'une catégorie sans compte propre",
    }
    return fixed.get(key) or texts.get(role, key)


def default_account(key: str) -> Account:
    if key in DEFAULTS:
        return DEFAULTS[key]
    role, _, name = key.partition(":")
    if role == "supplier":
        return _supplier_account(supplier_fold(name))
    return _FALLBACK.get(key.partition(":")[0], DEFAULTS[PAYMENT_OTHER])


def key_is_valid(key: str) -> bool:
    return key in DEFAULTS or bool(_RATE_KEY.match(key) or _NAMED_KEY.match(key))
