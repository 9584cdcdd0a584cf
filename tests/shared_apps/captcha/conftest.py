from tests.support.ratelimit import backend  # noqa: F401
