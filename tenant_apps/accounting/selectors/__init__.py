"""Reads of the accounting app: the chart of accounts, the journals and the FEC file."""

from .accounts import AccountRow, account_list, accounts_resolve
from .company import SIREN_SETTING, company_siren, company_siren_required, siren_is_valid
from .journals import JournalTotal, fec_stream, journal_entries, journal_totals

__all__ = [
    "SIREN_SETTING",
    "AccountRow",
    "JournalTotal",
    "account_list",
    "accounts_resolve",
    "company_siren",
    "company_siren_required",
    "fec_stream",
    "journal_entries",
    "journal_totals",
    "siren_is_valid",
]
