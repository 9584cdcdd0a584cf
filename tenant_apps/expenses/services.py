"""Writes of the expenses app: cost centres, expense categories and expenses, each with its audit row in
the same transaction. `actor` is who acts (the audit row's user and tenant)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from shared_apps.audit.models import EventType
from shared_apps.audit.services import audit_record
from shared_apps.core.exceptions import Conflict, ValidationFailed
from shared_apps.rbac.principal import Principal

from .models import VAT_RATES, CostCentre, CostKind, Expense, ExpenseCategory

CENT = Decimal("0.01")
# How far the VAT may stray from HT x rate: one cent, the rounding of a single-rate invoice.
VAT_TOLERANCE = Decimal("0.01")
CENTRE_FIELDS = ("name", "kind", "monthly_budget", "is_active")
CATEGORY_FIELDS = ("name", "default_vat_rate", "default_centre", "is_active")
EXPENSE_FIELDS = ("date", "supplier", "label", "reference", "centre", "category")


class AmountError(ValidationFailed):
    """Amounts that do not add up; `field` names the amount to correct (the model's name)."""

    def __init__(self, message: str, *, field: str) -> None:
        super().__init__(message, code="invalid_amount", details={"field": field})
        self.field = field


@dataclass(frozen=True)
class Amounts:
    ht: Decimal
    vat_rate: Decimal
    vat: Decimal
    ttc: Decimal


def amounts_resolve(
    *, vat_rate: Decimal, ht: Decimal | None = None, vat: Decimal | None = None, ttc: Decimal | None = None
) -> Amounts:
    """The four amounts of an expense from its rate and any two of HT, VAT and TTC (or HT alone, the VAT
    then computed). Refused: a rate outside the French set, sub-cent amounts, a negative HT, TTC ≠ HT + VAT,
    or a VAT more than a cent away from HT x rate."""
    if vat_rate not in VAT_RATES:
        allowed = ", ".join(f"{rate.normalize():f}" for rate in VAT_RATES)
        raise AmountError(f"Taux de TVA {vat_rate} inconnu ; taux français : {allowed}.", field="vat_rate")
    for name, value in (("amount_ht", ht), ("vat", vat), ("amount_ttc", ttc)):
        if value is not None and value != value.quantize(CENT):
            raise AmountError("Un montant se donne au centime près.", field=name)
    if ht is None:
        if ttc is None:
            raise AmountError("Donnez le montant HT ou le montant TTC.", field="amount_ht")
        ht = ttc - vat if vat is not None else (ttc * 100 / (100 + vat_rate)).quantize(CENT, ROUND_HALF_UP)
    if ht < 0:
        raise AmountError("Le montant HT ne peut être négatif.", field="amount_ht")
    expected_vat = (ht * vat_rate / 100).quantize(CENT, ROUND_HALF_UP)
    if vat is None:
        vat = ttc - ht if ttc is not None else expected_vat
    if abs(vat - expected_vat) > VAT_TOLERANCE:
        message = f"La TVA ({vat}) ne correspond pas à HT x {vat_rate.normalize():f} % ({expected_vat})."
        raise AmountError(message, field="vat")
    if ttc is None:
        ttc = ht + vat
    if ttc != ht + vat:
        raise AmountError(f"Le TTC ({ttc}) doit être HT + TVA ({ht + vat}).", field="amount_ttc")
    return Amounts(ht=ht, vat_rate=vat_rate, vat=vat, ttc=ttc)


def _audit(actor: Principal, event: EventType, **details: Any) -> None:
    audit_record(event_type=event, tenant=actor.tenant, user=actor.user, details=details)


def _fields_checked(fields: dict[str, Any], editable: tuple[str, ...]) -> dict[str, Any]:
    unknown = set(fields) - set(editable)
    if unknown:
        raise ValidationFailed(f"Not editable: {', '.join(sorted(unknown))}.", code="not_editable")
    return fields


def _saved(instance: CostCentre | ExpenseCategory, *, fields: list[str] | None = None) -> None:
    """Save, a taken name becoming a 409 rather than a database error."""
    try:
        with transaction.atomic():
            instance.save(update_fields=fields)
    except IntegrityError as error:
        message = f"Le nom « {instance.name} » est déjà pris."
        raise Conflict(message, code="name_taken", details={"field": "name"}) from error


@transaction.atomic
def centre_create(
    *, actor: Principal, name: str, kind: str = CostKind.VARIABLE, monthly_budget: Decimal | None = None
) -> CostCentre:
    centre = CostCentre(name=name.strip(), kind=kind, monthly_budget=monthly_budget)
    _saved(centre)
    _audit(actor, EventType.COST_CENTRE_CREATED, centre_id=centre.pk, budget=str(monthly_budget))
    return centre


@transaction.atomic
def centre_update(*, actor: Principal, centre: CostCentre, **fields: Any) -> CostCentre:
    for key, value in _fields_checked(fields, CENTRE_FIELDS).items():
        setattr(centre, key, value.strip() if key == "name" else value)
    _saved(centre, fields=list(fields))
    changed = {key: str(value) for key, value in fields.items() if key != "name"}
    _audit(actor, EventType.COST_CENTRE_UPDATED, centre_id=centre.pk, **changed)
    return centre


@transaction.atomic
def centre_delete(*, actor: Principal, centre: CostCentre) -> bool:
    """Delete an unused centre; one that expenses or categories point at is deactivated instead (its past
    stays in the synthesis, it leaves the forms). True when it was deleted."""
    used = centre.expenses.exists() or centre.categories.exists() or centre.is_purchases
    if used:
        centre.is_active = False
        centre.save(update_fields=["is_active"])
    else:
        CostCentre.objects.filter(pk=centre.pk).delete()
    _audit(actor, EventType.COST_CENTRE_DELETED, centre_id=centre.pk, deactivated_only=used)
    return not used


@transaction.atomic
def category_create(
    *, actor: Principal, name: str, default_vat_rate: Decimal, default_centre: CostCentre | None = None
) -> ExpenseCategory:
    amounts_resolve(vat_rate=default_vat_rate, ht=Decimal(0))  # the rate must be a French one
    category = ExpenseCategory(
        name=name.strip(), default_vat_rate=default_vat_rate, default_centre=default_centre
    )
    _saved(category)
    _audit(actor, EventType.EXPENSE_CATEGORY_CREATED, category_id=category.pk)
    return category


@transaction.atomic
def category_update(*, actor: Principal, category: ExpenseCategory, **fields: Any) -> ExpenseCategory:
    """Change the fields given. A category may keep a default centre deactivated since, not move to one."""
    _fields_checked(fields, CATEGORY_FIELDS)
    if "default_vat_rate" in fields:
        amounts_resolve(vat_rate=fields["default_vat_rate"], ht=Decimal(0))  # a French rate
    centre = fields.get("default_centre")
    if centre is not None and not centre.is_active and centre.pk != category.default_centre_id:
        message = f"Le centre « {centre.name} » est désactivé."
        raise ValidationFailed(message, code="centre_inactive", details={"field": "default_centre"})
    for key, value in fields.items():
        setattr(category, key, value.strip() if key == "name" else value)
    _saved(category, fields=list(fields))
    changed = {key: str(getattr(value, "pk", value)) for key, value in fields.items() if key != "name"}
    _audit(actor, EventType.EXPENSE_CATEGORY_UPDATED, category_id=category.pk, **changed)
    return category


@transaction.atomic
def category_delete(*, actor: Principal, category: ExpenseCategory) -> None:
    """Delete a category no expense uses. A used one is refused rather than deactivated behind the
    caller's back: its expenses name it, and the accounts they were posted to follow its name, so the
    owner chooses to deactivate it (it then leaves the forms and keeps its past)."""
    # The row lock waits for (and then sees) an expense being recorded with this category: an insert
    # referencing a row takes a key-share lock on it, which FOR UPDATE conflicts with.
    ExpenseCategory.objects.select_for_update().filter(pk=category.pk).first()
    used = category.expenses.count()
    if used:
        message = (
            f"La catégorie « {category.name} » est utilisée par {used} dépense(s) : "
            "désactivez-la plutôt que de la supprimer."
        )
        raise Conflict(message, code="category_in_use", details={"expenses": used})
    _audit(actor, EventType.EXPENSE_CATEGORY_DELETED, category_id=category.pk, name=category.name)
    category.delete()


def _centre_for(centre: CostCentre | None, category: ExpenseCategory | None) -> CostCentre:
    """The centre named, else the category's default one; an inactive centre takes no new expense."""
    centre = centre or (category.default_centre if category else None)
    if centre is None:
        raise ValidationFailed(
            "Choisissez un centre de coût.", code="centre_required", details={"field": "centre"}
        )
    if not centre.is_active:
        message = f"Le centre « {centre.name} » est désactivé."
        raise ValidationFailed(message, code="centre_inactive", details={"field": "centre"})
    return centre


@transaction.atomic
def expense_create(
    *,
    actor: Principal,
    day: date,
    supplier: str,
    label: str,
    amounts: Amounts,
    centre: CostCentre | None = None,
    category: ExpenseCategory | None = None,
    reference: str = "",
) -> Expense:
    checked = amounts_resolve(vat_rate=amounts.vat_rate, ht=amounts.ht, vat=amounts.vat, ttc=amounts.ttc)
    expense = Expense.objects.create(
        date=day,
        supplier=supplier.strip(),
        label=label.strip(),
        reference=reference.strip(),
        centre=_centre_for(centre, category),
        category=category,
        amount_ht=checked.ht,
        vat_rate=checked.vat_rate,
        vat=checked.vat,
        amount_ttc=checked.ttc,
    )
    _audit(
        actor,
        EventType.EXPENSE_CREATED,
        expense_id=expense.pk,
        centre_id=expense.centre_id,
        ht=str(checked.ht),
    )
    return expense


@transaction.atomic
def expense_update(
    *, actor: Principal, expense: Expense, amounts: Amounts | None = None, **fields: Any
) -> Expense:
    """Change the fields given; `amounts` (all four, checked together) replaces the amounts."""
    previous_centre_id = expense.centre_id
    for key, value in _fields_checked(fields, EXPENSE_FIELDS).items():
        setattr(expense, key, value.strip() if isinstance(value, str) else value)
    # An expense may keep a centre deactivated since; it may not move to one.
    if "centre" in fields and getattr(fields["centre"], "pk", None) != previous_centre_id:
        expense.centre = _centre_for(fields["centre"], expense.category)
    if amounts is not None:
        checked = amounts_resolve(vat_rate=amounts.vat_rate, ht=amounts.ht, vat=amounts.vat, ttc=amounts.ttc)
        expense.amount_ht, expense.vat_rate = checked.ht, checked.vat_rate
        expense.vat, expense.amount_ttc = checked.vat, checked.ttc
    expense.updated_at = timezone.now()
    expense.save()
    _audit(
        actor,
        EventType.EXPENSE_UPDATED,
        expense_id=expense.pk,
        fields=sorted([*fields, *(["amounts"] if amounts else [])]),
    )
    return expense


@transaction.atomic
def expense_delete(*, actor: Principal, expense: Expense) -> None:
    _audit(
        actor,
        EventType.EXPENSE_DELETED,
        expense_id=expense.pk,
        ht=str(expense.amount_ht),
        day=str(expense.date),
    )
    expense.delete()
