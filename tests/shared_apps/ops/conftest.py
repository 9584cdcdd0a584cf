from tests.factories.accounts import _clean_limiter_state, admin_a, member_a, no_ratelimit  # noqa: F401
