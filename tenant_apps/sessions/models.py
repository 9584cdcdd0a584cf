"""Login sessions and their refresh-token families (tenant schema: a session exists only at its tenant).

A `UserSession` is one login; its `RefreshToken` rows are the family: each refresh marks the presented
token used and issues its successor, so a used token presented again means it was copied, and the whole
family (the session) is revoked (RFC 9700 §4.14.2). Only SHA-256 digests of the secrets are stored.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from django.conf import settings
from django.db import models

from .enums import RevokeReason


class UserSession(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    # DO_NOTHING: the user row is public, this table is per tenant; Django's cascade would look for it in
    # the public schema and fail. The database constraint stays, so deleting a user first needs their
    # rows removed at each tenant (sessions_purge_for_user).
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.DO_NOTHING, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    last_seen_at = models.DateTimeField()
    idle_expires_at = models.DateTimeField()
    absolute_expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoke_reason = models.CharField(max_length=32, choices=RevokeReason.choices, blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=512, blank=True)
    device_type = models.CharField(max_length=16, blank=True)
    browser = models.CharField(max_length=64, blank=True)
    os = models.CharField(max_length=64, blank=True)
    # The factors that authenticated this session ("pwd", later "otp"): the token's auth_time goes with it.
    auth_methods = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["user", "-created_at"], name="session_user_created_idx")]

    def __str__(self) -> str:
        return str(self.id)

    def is_alive(self, now: datetime) -> bool:
        return self.revoked_at is None and self.idle_expires_at > now and self.absolute_expires_at > now


class RefreshToken(models.Model):
    session = models.ForeignKey(UserSession, on_delete=models.CASCADE, related_name="refresh_tokens")
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    used_at = models.DateTimeField(null=True, blank=True)
    replaced_by = models.OneToOneField(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="replaces"
    )

    def __str__(self) -> str:
        return f"refresh {self.pk} of {self.session_id}"


class MfaChallenge(models.Model):
    """The short-lived, single-use `mfa_session_token` between a correct password and the second factor."""

    # DO_NOTHING: the user row is public, this table is per tenant; Django's cascade would look for it in
    # the public schema and fail. The database constraint stays, so deleting a user first needs their
    # rows removed at each tenant (sessions_purge_for_user).
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.DO_NOTHING, related_name="+")
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=512, blank=True)

    def __str__(self) -> str:
        return f"mfa challenge {self.pk}"
