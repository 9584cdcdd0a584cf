"""Reading the mail people receive (Django's test outbox): the product speaks French."""

from __future__ import annotations

import re

from django.core.mail import EmailMessage

# Words an English mail cannot do without and a French one never uses.
_ENGLISH = re.compile(r"\b(the|your|you|if|was|not|this|please|account|password|sign)\b", re.IGNORECASE)
_LINKS = re.compile(r"https?://\S+")


def assert_french(message: EmailMessage) -> None:
    text = _LINKS.sub("", f"{message.subject}\n{message.body}")
    assert _ENGLISH.findall(text) == [], text
    assert re.search(r"\b(vous|votre)\b", text), text
