from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest
import time_machine

from shared_apps.mfa import totp
from tests.factories.accounts import _clean_limiter_state, admin_a, member_a, no_ratelimit  # noqa: F401
from tests.support.ratelimit import isolated_ratelimits  # noqa: F401


@pytest.fixture
def clock() -> Iterator[time_machine.Traveller]:
    """Time stands still 5 s into the current TOTP step (no test crosses a step by accident); move it
    with `clock.shift(seconds)`. Only Python's clock: Redis and PostgreSQL keep real time."""
    start = (int(time.time()) // totp.STEP_SECONDS) * totp.STEP_SECONDS + 5
    with time_machine.travel(start, tick=False) as traveller:
        yield traveller


@pytest.fixture(autouse=True)
def _limiter_on(settings: Any, isolated_ratelimits: Any) -> None:  # noqa: F811
    """The limiter and lockout really run in these tests, with keys of their own."""
    settings.RATELIMIT_ENABLED = True
