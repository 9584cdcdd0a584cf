"""Platform staff see that a person has MFA, never the secret or the code digests."""

from __future__ import annotations

from django.contrib import admin

from .models import TOTPDevice


@admin.register(TOTPDevice)
class TOTPDeviceAdmin(admin.ModelAdmin[TOTPDevice]):
    list_display = ("user", "confirmed", "created_at", "last_used_at")
    list_filter = ("confirmed",)
    search_fields = ("user__email",)
    fields = ("user", "confirmed", "confirmed_at", "created_at", "last_used_at")
    readonly_fields = fields

    def has_add_permission(self, request: object) -> bool:
        return False
