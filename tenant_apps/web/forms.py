"""The site's forms: they parse and bound the input; the services decide (the API's serializers' role)."""

from __future__ import annotations

from typing import Any

from django import forms

from .identity import KEY_SCOPES

PASSWORD_MAX = 128


class _Password(forms.CharField):
    def __init__(self, label: str, autocomplete: str, **kwargs: Any) -> None:
        super().__init__(
            label=label,
            max_length=PASSWORD_MAX,
            strip=False,
            widget=forms.PasswordInput(attrs={"autocomplete": autocomplete}),
            **kwargs,
        )


def _code_field(label: str, *, required: bool = True, max_length: int = 16) -> forms.CharField:
    return forms.CharField(
        label=label,
        max_length=max_length,
        required=required,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autocapitalize": "off"}
        ),
    )


class SignInForm(forms.Form):
    email = forms.CharField(
        label="Adresse e-mail",
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "username", "autofocus": True}),
    )
    password = _Password("Mot de passe", "current-password")
    captcha = forms.CharField(required=False, max_length=2048, widget=forms.HiddenInput)


class SecondFactorForm(forms.Form):
    code = _code_field("Code de l'application d'authentification", max_length=64)
    recovery = forms.BooleanField(label="C'est un code de secours", required=False)


class SignUpForm(forms.Form):
    first_name = forms.CharField(label="Prénom", min_length=2, max_length=100)
    last_name = forms.CharField(label="Nom", min_length=2, max_length=100)
    email = forms.EmailField(
        label="Adresse e-mail", max_length=254, widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )
    password = _Password("Mot de passe (12 caractères au moins)", "new-password")


class ResetRequestForm(forms.Form):
    email = forms.EmailField(
        label="Adresse e-mail", max_length=254, widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )


class ResetConfirmForm(forms.Form):
    token = forms.CharField(max_length=512, widget=forms.HiddenInput)
    new_password = _Password("Nouveau mot de passe", "new-password")


class ProfileForm(forms.Form):
    first_name = forms.CharField(label="Prénom", max_length=100, required=False)
    last_name = forms.CharField(label="Nom", max_length=100, required=False)
    phone = forms.CharField(
        label="Téléphone (+33…)", max_length=16, required=False, widget=forms.TextInput(attrs={"type": "tel"})
    )


class PasswordChangeForm(forms.Form):
    current_password = _Password("Mot de passe actuel", "current-password")
    new_password = _Password("Nouveau mot de passe", "new-password")
    code = _code_field("Code d'authentification (si demandé)", required=False)


class CodeForm(forms.Form):
    code = _code_field("Code à 6 chiffres", max_length=64)


class MfaDisableForm(forms.Form):
    password = _Password("Mot de passe", "current-password")
    code = _code_field("Code d'authentification ou de secours", max_length=64)


class ApiKeyForm(forms.Form):
    name = forms.CharField(label="Nom de la clé", max_length=255)
    scopes = forms.MultipleChoiceField(
        label="Autorisations",
        choices=[(scope, scope) for scope in KEY_SCOPES],
        widget=forms.CheckboxSelectMultiple,
    )
    code = _code_field("Code d'authentification (si demandé)", required=False)


class InviteForm(forms.Form):
    email = forms.EmailField(label="Adresse e-mail", max_length=254)
    first_name = forms.CharField(label="Prénom", max_length=100, required=False)
    last_name = forms.CharField(label="Nom", max_length=100, required=False)
    admin = forms.BooleanField(label="Administrateur", required=False)


class InvoiceFilterForm(forms.Form):
    date_debut = forms.DateField(label="Du", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_fin = forms.DateField(label="Au", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    magasin = forms.CharField(label="Magasin", max_length=64, required=False)
    doc_type = forms.ChoiceField(label="Type", required=False)
    statut = forms.ChoiceField(label="Rapprochement", required=False)
    page = forms.IntegerField(min_value=1, max_value=1_000_000, required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("date_debut"), data.get("date_fin")
        if start and end and start > end:
            raise forms.ValidationError("La date de début est après la date de fin.")
        return data


class ProductFilterForm(forms.Form):
    q = forms.CharField(label="Recherche", max_length=100, required=False)
    categorie = forms.CharField(label="Catégorie", max_length=64, required=False)
    tri = forms.ChoiceField(
        label="Tri",
        required=False,
        choices=[
            ("montant_total", "Montant total"),
            ("designation", "Désignation"),
            ("nb_achats", "Nombre d'achats"),
            ("prix_unitaire_moyen", "Prix moyen"),
        ],
    )
    page = forms.IntegerField(min_value=1, max_value=1_000_000, required=False)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class UploadForm(forms.Form):
    files = forms.FileField(  # type: ignore[assignment]  # the field named as the API's multipart field
        label="Factures METRO (PDF)",
        widget=MultipleFileInput(attrs={"multiple": True, "accept": "application/pdf,.pdf"}),
        required=False,
    )
