"""Fixtures of the expenses tests: a manager and a read-only member of A with tokens."""

from tests.factories.accounts import _clean_limiter_state, no_ratelimit  # noqa: F401
from tests.factories.expenses import manager_a, reader_a  # noqa: F401
