from tests.factories.access import _system_roles  # noqa: F401
from tests.factories.accounts import _clean_limiter_state, no_ratelimit  # noqa: F401
