"""The stock services' refusals in French, naming the count line they are about (the API's body carries the
line number in `details.ligne`)."""

from __future__ import annotations

from collections.abc import Sequence

from shared_apps.core.exceptions import ApplicationError

from ..messages_fr import message_for

STOCK_MESSAGES = {
    "date_in_future": "La date est dans le futur.",
    "unknown_product": "ce produit n'existe pas dans le catalogue.",
    "negative_count": "la quantité comptée ne peut pas être négative.",
    "invalid_quantity": "la quantité doit être positive.",
    "site_required": "Choisissez le site.",
    "unknown_site": "Ce site n'existe pas.",
    "no_count": "Aucun inventaire n'a été enregistré sur ce site le {date}.",
    "invalid_date_range": "La date de début doit précéder la date de fin.",
}


def stock_message(error: ApplicationError, *, names: Sequence[str] = ()) -> str:
    """The French sentence for `error`; a line's error starts with `Ligne N (product name) :`."""
    text = STOCK_MESSAGES.get(error.code)
    if text is None:
        return message_for(error)
    day = error.details.get("date")
    if isinstance(day, str):
        text = text.format(date="/".join(reversed(day.split("-"))))
    line = error.details.get("ligne")
    if not isinstance(line, int):
        return text[0].upper() + text[1:]
    name = names[line - 1] if 0 < line <= len(names) else ""
    return f"Ligne {line}{f' ({name})' if name else ''} : {text}"
