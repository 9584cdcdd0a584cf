"""The expenses pages' forms: they parse and bound the input; the expenses services decide (amounts are
checked by the same `amounts_resolve` as the API's)."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from typing import Any

from django import forms

from tenant_apps.expenses.models import VAT_RATES, CostKind
from tenant_apps.expenses.services import AmountError, amounts_resolve

from .formatting import percent_fr

MONTH = re.compile(r"^(?P<year>\d{4})-(?P<month>0[1-9]|1[0-2])$")
# services.AmountError's field → the form's.
AMOUNT_FIELDS = {"amount_ht": "montant_ht", "vat_rate": "tva_pct", "vat": "tva", "amount_ttc": "montant_ttc"}
FROM_CATEGORY = ""


def _date(label: str, **kw: Any) -> forms.DateField:
    return forms.DateField(label=label, widget=forms.DateInput(attrs={"type": "date"}), **kw)


def _money(label: str, **kw: Any) -> forms.DecimalField:
    attrs = {"inputmode": "decimal", "step": "0.01"}
    return forms.DecimalField(
        label=label, max_digits=12, decimal_places=2, widget=forms.NumberInput(attrs=attrs), **kw
    )


def month_parse(text: str | None) -> tuple[int, int] | None:
    match = MONTH.match(text or "")
    return (int(match["year"]), int(match["month"])) if match else None


class ExpenseFilterForm(forms.Form):
    mois = forms.CharField(label="Mois", required=False, widget=forms.TextInput(attrs={"type": "month"}))
    date_debut = _date("Du", required=False)
    date_fin = _date("Au", required=False)
    centre = forms.TypedChoiceField(label="Centre", coerce=int, required=False, empty_value=None)
    categorie = forms.TypedChoiceField(label="Catégorie", coerce=int, required=False, empty_value=None)
    page = forms.IntegerField(min_value=1, max_value=1_000_000, required=False)

    def clean_mois(self) -> str:
        text: str = self.cleaned_data.get("mois") or ""
        if text and month_parse(text) is None:
            raise forms.ValidationError("Choisissez un mois (AAAA-MM).")
        return text

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("date_debut"), data.get("date_fin")
        if start and end and start > end:
            raise forms.ValidationError("La date de début est après la date de fin.")
        return data


class ExpenseForm(forms.Form):
    date = _date("Date", initial=date.today)
    fournisseur = forms.CharField(label="Fournisseur", max_length=128)
    libelle = forms.CharField(label="Libellé", max_length=255)
    reference = forms.CharField(label="Référence (n° de facture)", max_length=64, required=False)
    categorie = forms.TypedChoiceField(label="Catégorie", coerce=int, required=False, empty_value=None)
    centre = forms.TypedChoiceField(
        label="Centre de coût (vide : celui de la catégorie)", coerce=int, required=False, empty_value=None
    )
    montant_ht = _money("Montant HT (€)", required=False)
    tva_pct = forms.TypedChoiceField(
        label="Taux de TVA",
        coerce=Decimal,
        required=False,
        empty_value=None,
        choices=[(FROM_CATEGORY, "Celui de la catégorie"), *((str(r), percent_fr(r)) for r in VAT_RATES)],
    )
    tva = _money("TVA (€, vide : calculée)", required=False)
    montant_ttc = _money("Montant TTC (€, vide : calculé)", required=False)

    def __init__(self, *args: Any, vat_rates: dict[int, Decimal], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.vat_rates = vat_rates  # each category's default rate

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.errors:
            return data
        rate = data.get("tva_pct")
        if rate is None:
            rate = self.vat_rates.get(data.get("categorie") or 0)
        if rate is None:
            self.add_error("tva_pct", "Choisissez un taux (ou une catégorie).")
            return data
        try:
            data["amounts"] = amounts_resolve(
                vat_rate=rate, ht=data.get("montant_ht"), vat=data.get("tva"), ttc=data.get("montant_ttc")
            )
        except AmountError as error:
            self.add_error(AMOUNT_FIELDS[error.field], error.message)
        return data


class CentreForm(forms.Form):
    nom = forms.CharField(label="Nom", max_length=64)
    type_cout = forms.ChoiceField(
        label="Type",
        choices=[(CostKind.FIXED, "Fixe"), (CostKind.VARIABLE, "Variable")],
        initial=CostKind.VARIABLE,
    )
    budget_mensuel = _money("Budget mensuel HT (€, vide : aucun)", required=False, min_value=Decimal(0))
    actif = forms.BooleanField(label="Actif", required=False, initial=True)


class CategoryForm(forms.Form):
    nom = forms.CharField(label="Nom", max_length=64)
    tva_pct_defaut = forms.TypedChoiceField(
        label="Taux de TVA par défaut",
        coerce=Decimal,
        choices=[(str(r), percent_fr(r)) for r in VAT_RATES],
        initial=str(Decimal(20)),
    )
    centre_cout_defaut = forms.TypedChoiceField(
        label="Centre de coût par défaut", coerce=int, required=False, empty_value=None
    )
    actif = forms.BooleanField(
        label="Active (proposée pour les nouvelles dépenses)", required=False, initial=True
    )
