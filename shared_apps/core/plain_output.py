"""Output serializers that write their fields in one plain loop, for lists of many rows.

DRF's Serializer.to_representation walks bound fields, each resolving its source through a generic
attribute lookup, and its DecimalField copies a decimal context per value: on a page of 50 products with
31 fields that costs more than the page's SQL. `PlainOutput` keeps the serializer's declared fields (so the
OpenAPI schema and every field's options are unchanged) and compiles them once per class into
(name, attribute, converter) steps. Decimals, integers, strings, booleans and ISO dates are converted inline
with DRF's exact semantics (decimals: quantize to the places with a context of `max_digits` precision, then
`{:f}`); every other field, and any other type of value, keeps its own `to_representation`. Rows may be
model instances or dicts (`.values()` rows). `field_converter` gives one field's conversion to views that
write plain dicts themselves.
"""

from __future__ import annotations

import datetime
import decimal
from collections.abc import Callable, Mapping
from typing import Any, ClassVar

from rest_framework import ISO_8601, serializers
from rest_framework import fields as drf_fields
from rest_framework.settings import api_settings

AnyField = drf_fields.Field[Any, Any, Any, Any]
# (name, attribute or None for DRF's own lookup, converter, the field)
Step = tuple[str, str | None, Callable[[Any], Any], AnyField]


def _decimal_converter(field: serializers.DecimalField) -> Callable[[Any], Any] | None:
    coerce = getattr(field, "coerce_to_string", api_settings.COERCE_DECIMAL_TO_STRING)
    if not coerce or field.localize or field.normalize_output or field.decimal_places is None:
        return None
    places = decimal.Decimal(".1") ** field.decimal_places
    context = decimal.getcontext().copy()
    if field.max_digits is not None:
        context.prec = field.max_digits
    rounding = field.rounding

    def convert(value: Any) -> str:
        if not isinstance(value, decimal.Decimal):
            value = decimal.Decimal(str(value).strip())
        return f"{value.quantize(places, rounding=rounding, context=context):f}"

    return convert


def _date_converter(field: serializers.DateField) -> Callable[[Any], Any] | None:
    output_format = getattr(field, "format", api_settings.DATE_FORMAT)
    if not isinstance(output_format, str) or output_format.lower() != ISO_8601:
        return None

    def convert(value: Any) -> Any:
        return value.isoformat() if type(value) is datetime.date else field.to_representation(value)

    return convert


def _boolean_converter(field: AnyField) -> Callable[[Any], Any]:
    def convert(value: Any) -> Any:
        return value if type(value) is bool else field.to_representation(value)

    return convert


def field_converter(field: AnyField) -> Callable[[Any], Any]:
    """What `field.to_representation` does to a value that is not None, without DRF's per-call costs."""
    exact = type(field)
    if exact is serializers.DecimalField:
        fast = _decimal_converter(field)  # type: ignore[arg-type]
        if fast is not None:
            return fast
    if exact is serializers.IntegerField:
        return int
    if exact is serializers.CharField:
        return str
    if exact is serializers.BooleanField:
        return _boolean_converter(field)
    if exact is serializers.DateField:
        date = _date_converter(field)  # type: ignore[arg-type]
        if date is not None:
            return date
    return field.to_representation


class PlainOutput(serializers.Serializer[Any]):
    """A read-only output serializer whose `to_representation` is one loop over precompiled steps."""

    _steps: ClassVar[tuple[Step, ...] | None] = None

    @classmethod
    def _compiled(cls) -> tuple[Step, ...]:
        steps = cls.__dict__.get("_steps")
        if steps is None:
            steps = tuple(
                (
                    name,
                    field.source_attrs[0] if len(field.source_attrs) == 1 else None,
                    field_converter(field),
                    field,
                )
                for name, field in cls().fields.items()
                if not field.write_only
            )
            cls._steps = steps
        return steps

    def to_representation(self, instance: Any) -> dict[str, Any]:
        out: dict[str, Any] = {}
        is_mapping = isinstance(instance, Mapping)
        for name, attribute, convert, field in self._compiled():
            if attribute is None:  # a dotted or "*" source: DRF's lookup
                value = field.get_attribute(instance)
            elif is_mapping:
                value = instance[attribute]
            else:
                value = getattr(instance, attribute)
            out[name] = None if value is None else convert(value)
        return out
