"""Writes of the accounting app: the tenant's accounts, its SIREN, and the audit row of an export."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone

from shared_apps.audit.models import EventType
from shared_apps.audit.services import audit_record
from shared_apps.core.exceptions import ValidationFailed
from shared_apps.tenants.models import Tenant

from .chart import ACCOUNT_NUMBER, key_canonical, key_is_valid
from .models import LedgerAccount
from .selectors import SIREN_SETTING, siren_is_valid


@dataclass(frozen=True, slots=True)
class AccountChange:
    key: str
    number: str | None  # None: back to the default
    label: str = ""
    aux_number: str = ""
    aux_label: str = ""


def _check(change: AccountChange) -> None:
    if not key_is_valid(change.key):
        raise ValidationFailed(
            f"Clé de compte inconnue : {change.key!r}.",
            code="unknown_account_key",
            details={"cle": change.key},
        )
    if change.number is not None and not ACCOUNT_NUMBER.match(change.number):
        raise ValidationFailed(
            f"Numéro de compte invalide pour {change.key} : trois chiffres du plan comptable puis chiffres "
            "ou majuscules (20 caractères au plus).",
            code="invalid_account_number",
            details={"cle": change.key},
        )


@transaction.atomic
def accounts_update(*, tenant: Tenant, changes: list[AccountChange], actor: Any) -> None:
    """Set (or, with number None, reset to its default) the account of each key; all or nothing."""
    for change in changes:
        _check(change)
    for change in changes:
        key = key_canonical(change.key)
        if change.number is None:
            LedgerAccount.objects.filter(key__in={key, change.key}).delete()
            continue
        LedgerAccount.objects.update_or_create(
            key=key,
            defaults={
                "number": change.number,
                "label": change.label,
                "aux_number": change.aux_number,
                "aux_label": change.aux_label,
                "updated_at": timezone.now(),
            },
        )
    audit_record(
        event_type=EventType.ACCOUNTING_SETTINGS_CHANGED,
        tenant=tenant,
        user=actor,
        details={"accounts": {c.key: c.number for c in changes}},
    )


@transaction.atomic
def siren_set(*, tenant: Tenant, siren: str, actor: Any) -> Tenant:
    """Record the company's SIREN (nine digits, Luhn key), which names the FEC file."""
    siren = "".join(siren.split())
    if not siren_is_valid(siren):
        raise ValidationFailed(
            "Le SIREN doit compter 9 chiffres et respecter sa clé de contrôle.", code="invalid_siren"
        )
    locked: Tenant = Tenant.objects.select_for_update().get(pk=tenant.pk)
    locked.settings = {**(locked.settings or {}), SIREN_SETTING: siren}
    locked.save(update_fields=["settings"])
    tenant.settings = locked.settings
    audit_record(
        event_type=EventType.ACCOUNTING_SETTINGS_CHANGED, tenant=tenant, user=actor, details={"siren": siren}
    )
    return locked


def fec_export_record(*, tenant: Tenant, actor: Any, start: date, end: date) -> None:
    """The audit row of an export, written before the file streams (a read; nothing else changes)."""
    audit_record(
        event_type=EventType.ACCOUNTING_EXPORTED,
        tenant=tenant,
        user=actor,
        details={"start": start.isoformat(), "end": end.isoformat()},
    )
