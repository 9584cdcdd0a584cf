"""Field validators shared by the model, the admin and the API serializers."""

from __future__ import annotations

import phonenumbers
from django.core.exceptions import ValidationError


def validate_e164(value: str) -> None:
    """An empty value or a valid international number written in E.164 (`+` and up to 15 digits)."""
    if not value:
        return
    message = "Saisissez un numéro au format E.164, par exemple +33612345678."
    if not value.startswith("+") or not value[1:].isdigit() or len(value) > 16:
        raise ValidationError(message, code="invalid_phone")
    try:
        number = phonenumbers.parse(value, None)
    except phonenumbers.NumberParseException as error:
        raise ValidationError(message, code="invalid_phone") from error
    if not phonenumbers.is_valid_number(number):
        raise ValidationError(message, code="invalid_phone")
