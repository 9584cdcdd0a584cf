"""METRO customer numbers → customer accounts → the site whose stock their invoices feed."""

from __future__ import annotations

import re

from django.db import IntegrityError, transaction

from tenant_apps.stock.models import Site
from tenant_apps.stock.services import site_create

from ..models import CustomerAccount
from .rows import LoadContext

# The card's home store, then the customer number; what follows (holder number, check digit, card kind)
# tells card holders of one customer apart.
_PRINTED = re.compile(r"^\s*(?P<store>\d{3})\s+(?P<number>\d{1,10})\b")


def customer_key(printed: str) -> tuple[str, int] | None:
    """(store, customer number) of a printed customer number; None when it is not of that shape."""
    match = _PRINTED.match(printed or "")
    if match is None:
        return None
    return match.group("store"), int(match.group("number"))


def customer_account_get_or_create(*, printed: str) -> CustomerAccount | None:
    """The account of a printed number; a number seen for the first time gets an account and a new site."""
    key = customer_key(printed)
    if key is None:
        return None
    store, number = key
    account = CustomerAccount.objects.filter(store=store, number=number).select_related("site").first()
    if account is not None:
        return account
    try:
        with transaction.atomic():
            site = site_create(name=f"Client METRO {store}-{number}")
            return CustomerAccount.objects.create(store=store, number=number, printed=printed[:32], site=site)
    except IntegrityError:  # created meanwhile by a concurrent load: take that one
        return CustomerAccount.objects.select_related("site").get(store=store, number=number)


def customer_site(context: LoadContext, printed: str) -> tuple[int | None, int]:
    """(customer account id, site id) of an invoice's printed customer number, cached for the batch. An
    invoice without a readable number feeds the tenant's first site (created when there is none)."""
    if printed not in context.customers:
        account = customer_account_get_or_create(printed=printed)
        if account is not None:
            context.customers[printed] = (account.pk, account.site_id)
        else:
            site = Site.objects.order_by("id").first() or site_create(name="Site principal")
            context.customers[printed] = (None, site.pk)
    return context.customers[printed]
