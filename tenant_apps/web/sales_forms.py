"""Forms of the sales pages (sales, dishes, recipes): they parse and bound the input, the sales services
decide. Amounts accept the French decimal comma (`16,50`)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms

from .forms import MultipleFileInput

CENT = Decimal("0.01")
# The till export reader's error codes (sumup_etl), in French for the import's report.
SUMUP_ERRORS = {
    "unreadable": "fichier illisible",
    "not_sumup_export": "ce n'est pas un fichier d'export SumUp",
    "corrupt_archive": "archive zip endommagée ou chiffrée",
    "limit_exceeded": "fichier trop volumineux",
    "too_large": "fichier trop volumineux une fois décompressé",
    "too_many_members": "archive zip contenant trop de fichiers",
    "compression_ratio": "archive zip suspecte (taux de compression anormal)",
    "bad_encoding": "encodage du texte non reconnu",
    "malformed_csv": "CSV mal formé",
    "missing_column": "colonne manquante",
    "bad_value": "valeur invalide",
    "missing_file": "un fichier de l'export manque",
    "duplicate_file": "le même fichier de l'export est présent deux fois",
    "inconsistent_export": "les fichiers ne viennent pas du même export",
    "internal_error": "erreur inattendue à la lecture",
}


def _amount(label: str, **kw: Any) -> forms.DecimalField:
    return forms.DecimalField(label=label, max_digits=10, decimal_places=2, localize=True, **kw)


class DishFilterForm(forms.Form):
    q = forms.CharField(label="Recherche", max_length=100, required=False)
    categorie = forms.CharField(label="Catégorie", max_length=128, required=False)
    canal = forms.CharField(label="Canal", max_length=32, required=False)
    actif = forms.ChoiceField(
        label="État", required=False, choices=[("", "Tous"), ("oui", "Actifs"), ("non", "Inactifs")]
    )
    page = forms.IntegerField(min_value=1, max_value=1_000_000, required=False)


class DishForm(forms.Form):
    """The editable fields of a dish (the API's DishInput)."""

    nom = forms.CharField(label="Nom", max_length=255)
    categorie = forms.CharField(label="Catégorie", max_length=128, required=False)
    canal = forms.CharField(label="Canal", max_length=32, initial="restaurant")
    prix_vente_ttc = _amount("Prix de vente TTC (€)", min_value=Decimal(0), initial=Decimal("0.00"))
    tva_pct = _amount("TVA (%)", min_value=Decimal(0), max_value=Decimal(99), initial=Decimal(10))
    actif = forms.BooleanField(label="Actif", required=False, initial=True)


class IngredientForm(forms.Form):
    """One recipe line: the quantity in the product's unit, the yield in percent (80: a fifth is lost)."""

    produit = forms.IntegerField(min_value=1, widget=forms.HiddenInput)
    quantite = forms.DecimalField(
        label="Quantité", max_digits=12, decimal_places=4, min_value=Decimal("0.0001"), localize=True
    )
    rendement = forms.DecimalField(
        label="Rendement (%)",
        max_digits=6,
        decimal_places=2,
        min_value=CENT,
        max_value=Decimal(100),
        localize=True,
        initial=Decimal(100),
    )


class ProductSearchForm(forms.Form):
    q = forms.CharField(
        label="Chercher un produit (désignation, EAN, marque)", max_length=100, required=False
    )


class SalesPeriodForm(forms.Form):
    date_debut = forms.DateField(label="Du", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_fin = forms.DateField(label="Au", required=False, widget=forms.DateInput(attrs={"type": "date"}))


class SalesUploadForm(forms.Form):
    files = forms.FileField(  # type: ignore[assignment]  # the field named as the API's multipart field
        label="Export SumUp (le zip, ou ses fichiers CSV)",
        widget=MultipleFileInput(attrs={"multiple": True, "accept": ".zip,.csv,application/zip,text/csv"}),
        required=False,
    )
    force = forms.BooleanField(label="Importer aussi les commandes en anomalie", required=False)


def sumup_error_fr(details: dict[str, Any]) -> str:
    """`fichier.csv, ligne 12, colonne « Prix » : valeur invalide` from an ExportRejected's details."""
    where = [str(details["file"])] if details.get("file") else []
    if details.get("line") is not None:
        where.append(f"ligne {details['line']}")
    if details.get("column"):
        where.append(f"colonne « {details['column']} »")
    text = SUMUP_ERRORS.get(str(details.get("code")), "fichier refusé")
    return f"{', '.join(where)} : {text}" if where else text[:1].upper() + text[1:]
