"""The tenant's chart of accounts: its overrides over the defaults of chart.py."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from tenant_apps.expenses.selectors import category_list
from tenant_apps.sales.selectors import payment_methods

from ..chart import DEFAULTS, Account, default_account, describe, expense_key, key_canonical
from ..models import LedgerAccount


@dataclass(frozen=True, slots=True)
class AccountRow:
    key: str
    description: str
    account: Account
    is_default: bool


def _overrides() -> dict[str, Account]:
    # Canonical keys: a supplier's override stored under one spelling serves every spelling of it.
    return {
        key_canonical(row.key): Account(row.number, row.label, row.aux_number, row.aux_label)
        for row in LedgerAccount.objects.all()
    }


def accounts_resolve(keys: Iterable[str]) -> dict[str, Account]:
    """The account of each key: the tenant's override, else the default (one query)."""
    overrides = _overrides()
    return {key: overrides.get(key) or default_account(key) for key in keys}


def account_list() -> list[AccountRow]:
    """Every key the journals may post to: the defaults, the payment methods the till has used, the
    tenant's expense categories and its own overrides, with the account each one posts to now, in
    account-number order."""
    overrides = _overrides()
    categories = category_list().values_list("name", flat=True)
    keys = {
        *DEFAULTS,
        *overrides,
        *(f"payment:{method}" for method in payment_methods()),
        *(expense_key(name) for name in categories),
    }
    rows = [
        AccountRow(
            key=key,
            description=describe(key),
            account=overrides.get(key) or default_account(key),
            is_default=key not in overrides,
        )
        for key in keys
    ]
    return sorted(rows, key=lambda row: (row.account.number, row.key))  # the chart's own order
