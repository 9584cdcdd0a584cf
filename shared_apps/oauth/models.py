"""Sign-in with Google and GitHub (public schema: an identity belongs to the person, not to a tenant).

`OAuthIdentity` is keyed by (provider, subject): the provider's stable user id, never the e-mail, which a
person can change at the provider and which an unverified provider account can claim. `OAuthFlow` is the
server side of one authorization request: the PKCE verifier (encrypted; it never leaves the server), the
tenant, the checked return URL and, for a link, the account to link to. The `state` sent to the provider
is a signed, expiring reference to it, used once. Provider access tokens are not kept: nothing here calls
the providers after sign-in.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Provider(models.TextChoices):
    GOOGLE = "google", "Google"
    GITHUB = "github", "GitHub"


class OAuthIdentity(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="oauth_identities"
    )
    provider = models.CharField(max_length=16, choices=Provider.choices)
    subject = models.CharField(max_length=255)
    email = models.EmailField(max_length=254, blank=True)
    email_verified = models.BooleanField(default=False)
    name = models.CharField(max_length=200, blank=True)
    avatar_url = models.URLField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_login_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["provider", "subject"], name="oauth_identity_provider_subject"),
            # One identity per provider per person keeps unlink-by-provider unambiguous.
            models.UniqueConstraint(fields=["user", "provider"], name="oauth_identity_user_provider"),
        ]

    def __str__(self) -> str:
        return f"{self.provider}:{self.subject}"


class FlowPurpose(models.TextChoices):
    LOGIN = "login", "Sign-in"
    LINK = "link", "Link to the signed-in account"


class OAuthFlow(models.Model):
    nonce = models.CharField(max_length=64, unique=True)
    tenant = models.ForeignKey("tenants.Tenant", on_delete=models.CASCADE, related_name="oauth_flows")
    provider = models.CharField(max_length=16, choices=Provider.choices)
    purpose = models.CharField(max_length=8, choices=FlowPurpose.choices)
    link_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="oauth_flows"
    )
    encrypted_code_verifier = models.TextField()
    return_url = models.URLField(max_length=1000)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["expires_at"], name="oauth_flow_expires_idx")]

    def __str__(self) -> str:
        return f"{self.provider} {self.purpose} {self.nonce[:8]}"
