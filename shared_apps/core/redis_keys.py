"""The one namespace of every key this project keeps in Redis: settings.REDIS_KEY_PREFIX."""

from __future__ import annotations

from django.conf import settings


def redis_key(name: str) -> str:
    """`name` under this deployment's prefix (read at each call: a test run or a test may set its own)."""
    return f"{settings.REDIS_KEY_PREFIX}{name}"
