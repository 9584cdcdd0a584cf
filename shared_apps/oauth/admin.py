"""Platform staff's view of linked sign-in identities (public host only)."""

from __future__ import annotations

from django.contrib import admin

from .models import OAuthIdentity


@admin.register(OAuthIdentity)
class OAuthIdentityAdmin(admin.ModelAdmin[OAuthIdentity]):
    list_display = ("provider", "subject", "user", "email_verified", "created_at", "last_login_at")
    list_filter = ("provider",)
    raw_id_fields = ("user",)
    search_fields = ("subject", "email")
