"""Forms of the stock pages: they parse and bound the input; the stock services decide (as the API's
serializers do)."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms

from tenant_apps.stock.models import ExitReason, Site

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
# The exits a person records by hand (sales come from the till), with the contract's words.
LOSS_REASONS = [
    (ExitReason.LOSS.value, "Perte"),
    (ExitReason.STAFF_MEAL.value, "Repas du personnel"),
    (ExitReason.OFFERED.value, "Offert"),
]


def int_or_none(raw: str | None) -> int | None:
    """An id from a query or a form, or None when it is missing or not a number."""
    return int(raw) if raw and raw.strip().isdigit() else None


def decimal_fr(raw: str) -> Decimal | None:
    """A quantity typed the French way (`2,5`, `1 200`) or the English one; None when it is not a number."""
    text = raw.strip().replace("\u00a0", "").replace(" ", "").replace(",", ".")
    try:
        value = Decimal(text)
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


class FrenchDecimalField(forms.DecimalField):
    def to_python(self, value: Any) -> Decimal | None:  # type: ignore[override]  # stubs: IntegerField's
        if isinstance(value, str) and value.strip():
            parsed = decimal_fr(value)
            if parsed is None:
                raise forms.ValidationError("Saisissez un nombre (par exemple 2,5).", code="invalid")
            return super().to_python(parsed)
        return super().to_python(value)


def _site_field(sites: Sequence[Site], *, blank: str | None) -> forms.TypedChoiceField:
    choices = [(str(site.pk), site.name) for site in sites]
    if blank is not None:
        choices.insert(0, ("", blank))
    return forms.TypedChoiceField(label="Site", choices=choices, coerce=int, required=False, empty_value=None)


class StockFilterForm(forms.Form):
    q = forms.CharField(label="Recherche (nom, EAN)", max_length=100, required=False)
    famille = forms.CharField(label="Famille", max_length=64, required=False)
    etat = forms.ChoiceField(
        label="État",
        required=False,
        choices=[("", "Tous"), ("rupture", "En rupture"), ("low", "Sous le seuil"), ("ok", "En stock")],
    )
    page = forms.IntegerField(min_value=1, max_value=1_000_000, required=False)

    def __init__(self, *args: Any, sites: Sequence[Site], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["site"] = _site_field(sites, blank="Tous les sites")
        self.order_fields(["site", "q", "famille", "etat"])


class VarianceForm(forms.Form):
    date_debut = forms.DateField(label="Comptage de début", widget=DATE_INPUT)
    date_fin = forms.DateField(label="Comptage de fin", widget=DATE_INPUT)

    def __init__(self, *args: Any, sites: Sequence[Site], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["site"] = _site_field(sites, blank=None)
        self.order_fields(["site", "date_debut", "date_fin"])


class LossForm(forms.Form):
    produit = forms.IntegerField(min_value=1, widget=forms.HiddenInput)
    date = forms.DateField(label="Date", widget=DATE_INPUT)
    quantite = FrenchDecimalField(
        label="Quantité",
        max_digits=14,
        decimal_places=3,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )
    motif = forms.ChoiceField(label="Motif", choices=LOSS_REASONS)

    def __init__(self, *args: Any, sites: Sequence[Site], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["site"] = _site_field(sites, blank=None)
        self.order_fields(["site", "date", "quantite", "motif"])


class ProductSettingsForm(forms.Form):
    """The product's selling price and alert threshold (the PATCH of /catalog/products/{produit_sk})."""

    prix_vente = FrenchDecimalField(
        label="Prix de vente HT (€)",
        max_digits=14,
        decimal_places=3,
        min_value=Decimal(0),
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )
    seuil_alerte = FrenchDecimalField(
        label="Seuil d'alerte (unités)",
        max_digits=14,
        decimal_places=3,
        min_value=Decimal(0),
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )
