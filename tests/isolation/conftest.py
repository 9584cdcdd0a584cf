"""The isolation walk logs in many times from one address: the limiter is tested elsewhere, not here."""

from __future__ import annotations

from typing import Any

import pytest

from tests.support.ratelimit import isolated_ratelimits  # noqa: F401


@pytest.fixture(autouse=True)
def _no_ratelimit(settings: Any, isolated_ratelimits: Any) -> None:  # noqa: F811
    settings.RATELIMIT_ENABLED = False
