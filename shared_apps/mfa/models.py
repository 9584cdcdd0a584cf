"""A user's second factor (public schema: a person has one MFA configuration, whatever tenant they use).

`TOTPDevice` subclasses django-otp's abstract `Device` (user, name, confirmed, the verify_token API) and
`TimestampMixin` (created_at, last_used_at), not its ready-made `otp_totp.TOTPDevice`, whose `key` column
holds the secret in plain hex. Ours holds only a Fernet token (shared_apps.core.crypto): a database dump
or a read-only SQL injection does not give away the codes. Throttling is not django-otp's ThrottlingMixin
(a read-modify-write counter on this row) but the shared rate limiter and lockout (shared_apps.ratelimit),
which count atomically across processes and survive the rolled-back transaction of a failed attempt.
"""

from __future__ import annotations

import time
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import models
from django_otp.models import Device, TimestampMixin

from shared_apps.core import crypto

from . import totp


class TOTPDevice(TimestampMixin, Device):
    # One device per person: setting up again replaces an unconfirmed secret; a confirmed one must be
    # disabled first (that needs the password and a code).
    user: models.OneToOneField[Any, Any] = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="totp_device"
    )
    confirmed: models.BooleanField[Any, bool] = models.BooleanField(
        default=False, help_text="Enabled: a code was verified at set-up."
    )
    encrypted_secret: models.TextField[Any, str] = models.TextField(
        help_text="Fernet token of the base32 secret (never the secret)."
    )
    # The time step of the last accepted code: a code is accepted once only, and never one of an older step.
    last_t: models.BigIntegerField[Any, int] = models.BigIntegerField(default=-1)
    confirmed_at: models.DateTimeField[Any, datetime | None] = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "TOTP device"

    def __str__(self) -> str:
        return f"TOTP of {self.user_id}"

    @property
    def secret(self) -> str:
        return crypto.decrypt(self.encrypted_secret)

    @secret.setter
    def secret(self, value: str) -> None:
        self.encrypted_secret = crypto.encrypt(value)

    def match(self, code: str, *, now: float | None = None) -> totp.Match:
        return totp.match(totp.secret_bytes(self.secret), code, last_step=self.last_t, now=now)

    def verify_token(self, token: object) -> bool:
        """django-otp's Device API: accept once and remember the step. Services call `match` under a row
        lock with the rate limiter and lockout around it; this is for django-otp's own helpers."""
        result = self.match(str(token), now=time.time())
        if result.step is None:
            return False
        self.last_t = result.step
        self.set_last_used_timestamp(commit=False)
        self.save(update_fields=["last_t", "last_used_at"])
        return True


class RecoveryCode(models.Model):
    """One single-use code of the current set; only its SHA-256 is kept (see recovery.py for why)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mfa_recovery_codes"
    )
    code_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["user", "used_at"], name="mfa_recovery_user_used_idx")]

    def __str__(self) -> str:
        return f"recovery code {self.pk} of {self.user_id}"
