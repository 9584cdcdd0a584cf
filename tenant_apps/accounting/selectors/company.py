"""The company behind the tenant, as the FEC names it: its SIREN (a tenant setting)."""

from __future__ import annotations

from shared_apps.core.exceptions import ValidationFailed
from shared_apps.tenants.models import Tenant

SIREN_SETTING = "siren"


def siren_is_valid(siren: str) -> bool:
    """Nine digits whose Luhn sum is a multiple of 10 (INSEE's check)."""
    if len(siren) != 9 or not siren.isdigit():
        return False
    total = 0
    for index, char in enumerate(reversed(siren)):
        digit = int(char) * (2 if index % 2 else 1)
        total += digit - 9 if digit > 9 else digit
    return total % 10 == 0


def company_siren(*, tenant: Tenant) -> str | None:
    value = tenant.setting(SIREN_SETTING)
    return str(value) if value else None


def company_siren_required(*, tenant: Tenant) -> str:
    siren = company_siren(tenant=tenant)
    if siren is None:
        raise ValidationFailed(
            "Le SIREN de l'entreprise n'est pas renseigné : un administrateur doit le saisir "
            "(PUT /api/v1/comptabilite/parametres ou la page Comptabilité) avant l'export du FEC, "
            "dont il forme le nom.",
            code="siren_missing",
        )
    return siren
