"""What the expense views share: validation, money fields, and the 404 of an unknown id."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, TypeVar

from rest_framework import serializers

from shared_apps.core.exceptions import NotFound

from ..models import VAT_RATES

RATES_TEXT = ", ".join(f"{r.normalize():f}" for r in VAT_RATES)

T = TypeVar("T")


def validated(serializer_class: type[serializers.Serializer[Any]], data: Any, **kw: Any) -> dict[str, Any]:
    serializer = serializer_class(data=data, **kw)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


def money(**kw: Any) -> serializers.DecimalField:
    return serializers.DecimalField(max_digits=12, decimal_places=2, **kw)


def rate(**kw: Any) -> serializers.DecimalField:
    return serializers.DecimalField(max_digits=4, decimal_places=1, **kw)


def _french_rate(value: Decimal) -> None:
    if value not in VAT_RATES:
        raise serializers.ValidationError(
            f"Taux de TVA inconnu ; taux français : {RATES_TEXT}.", code="invalid"
        )


def vat_rate_field(**kw: Any) -> serializers.DecimalField:
    """A VAT rate in %, one of the French set."""
    return rate(validators=[_french_rate], help_text=f"one of {RATES_TEXT}", **kw)


def found(instance: T | None, what: str) -> T:
    if instance is None:
        raise NotFound(f"{what} introuvable.")
    return instance
