"""Vocabulary of this app that other apps name too (the reasons they pass when they revoke)."""

from __future__ import annotations

from django.db import models


class RevokeReason(models.TextChoices):
    """Why a session (or an API key) was revoked."""

    LOGOUT = "logout", "logout"
    LOGOUT_ALL = "logout_all", "logout of all sessions"
    TERMINATED = "terminated", "terminated by the user"
    PASSWORD_CHANGED = "password_changed", "password changed"
    PASSWORD_RESET = "password_reset", "password reset"
    TOKEN_REUSE = "token_reuse", "refresh token reuse"
    DEACTIVATED = "deactivated", "user or membership deactivated"
    REMOVED = "removed", "removed from the tenant"
