"""The audit log: one append-only table in the public schema.

PostgreSQL itself refuses UPDATE and DELETE on it (trigger installed by migration 0002), with a single,
narrow exception for GDPR pseudonymisation: see `services.audit_pseudonymise`.
"""

from __future__ import annotations

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models


class EventType(models.TextChoices):
    # Identity events; new features add theirs here (a choices change is a state-only migration).
    LOGIN_SUCCEEDED = "login_succeeded", "Login succeeded"
    LOGIN_FAILED = "login_failed", "Login failed"
    ACCOUNT_LOCKED = "account_locked", "Account locked"
    ACCOUNT_UNLOCKED = "account_unlocked", "Account unlocked"
    TOKEN_REUSE_DETECTED = "token_reuse_detected", "Refresh token reuse detected"
    LOGOUT = "logout", "Logout"
    PASSWORD_CHANGED = "password_changed", "Password changed"
    PASSWORD_RESET_REQUESTED = "password_reset_requested", "Password reset requested"
    PASSWORD_RESET_COMPLETED = "password_reset_completed", "Password reset completed"
    USER_CREATED = "user_created", "User created"
    USER_UPDATED = "user_updated", "User updated"
    USER_DEACTIVATED = "user_deactivated", "User deactivated"
    USER_DELETED = "user_deleted", "User deleted"
    MEMBERSHIP_CHANGED = "membership_changed", "Membership changed"
    SIGNUP_WITH_TAKEN_EMAIL = "signup_with_taken_email", "Sign-up with an address that has an account"
    # Second factor
    MFA_ENABLED = "mfa_enabled", "MFA enabled"
    MFA_DISABLED = "mfa_disabled", "MFA disabled"
    MFA_CODE_FAILED = "mfa_code_failed", "MFA code failed"
    MFA_CODE_REPLAYED = "mfa_code_replayed", "MFA code replayed"
    MFA_LOCKED = "mfa_locked", "MFA locked"
    RECOVERY_CODE_USED = "recovery_code_used", "Recovery code used"
    RECOVERY_CODES_REGENERATED = "recovery_codes_regenerated", "Recovery codes regenerated"
    # Access: roles, API keys, GDPR, OAuth
    ROLE_CHANGED = "role_changed", "Role changed"
    ROLE_ASSIGNED = "role_assigned", "Role assigned"
    ROLE_UNASSIGNED = "role_unassigned", "Role unassigned"
    API_KEY_CREATED = "api_key_created", "API key created"
    API_KEY_REVOKED = "api_key_revoked", "API key revoked"
    OAUTH_LINKED = "oauth_linked", "OAuth identity linked"
    OAUTH_UNLINKED = "oauth_unlinked", "OAuth identity unlinked"
    GDPR_ERASED = "gdpr_erased", "Personal data erased"
    GDPR_ANONYMIZED = "gdpr_anonymized", "Personal data anonymised"
    # Expenses and budgets
    COST_CENTRE_CREATED = "cost_centre_created", "Cost centre created"
    COST_CENTRE_UPDATED = "cost_centre_updated", "Cost centre updated"
    COST_CENTRE_DELETED = "cost_centre_deleted", "Cost centre deleted or deactivated"
    EXPENSE_CATEGORY_CREATED = "expense_category_created", "Expense category created"
    EXPENSE_CATEGORY_UPDATED = "expense_category_updated", "Expense category updated"
    EXPENSE_CATEGORY_DELETED = "expense_category_deleted", "Expense category deleted"
    EXPENSE_CREATED = "expense_created", "Expense recorded"
    EXPENSE_UPDATED = "expense_updated", "Expense changed"
    EXPENSE_DELETED = "expense_deleted", "Expense deleted"
    # Stock: what changes the stock by hand (purchases and sales leave their own documents)
    STOCK_COUNTED = "stock_counted", "Stock counted"
    STOCK_MOVEMENT_RECORDED = "stock_movement_recorded", "Stock movement recorded"
    # Accounting: the FEC leaves with every entry of a period, so who took it is worth a row.
    ACCOUNTING_EXPORTED = "accounting_exported", "Accounting entries exported (FEC)"
    ACCOUNTING_SETTINGS_CHANGED = "accounting_settings_changed", "Chart of accounts or SIREN changed"
    TILL_SITE_MAPPED = "till_site_mapped", "Till establishment mapped to a stock site"
    # Sales: what the owner changes about dishes (a recipe also rewrites the stock exits of past sales)
    DISH_CREATED = "dish_created", "Dish created"
    DISH_UPDATED = "dish_updated", "Dish updated"
    DISH_DELETED = "dish_deleted", "Dish deleted"
    RECIPE_SET = "recipe_set", "Recipe set"


class Factor(models.TextChoices):
    """How the principal proved who they are (login events)."""

    PASSWORD = "password", "Password"
    TOTP = "totp", "TOTP"
    RECOVERY = "recovery", "Recovery code"
    OAUTH = "oauth", "OAuth"
    API_KEY = "api_key", "API key"


class AuditEvent(models.Model):
    """One security-relevant event. `user` is the account the event is about; `actor` is who acted, when
    that is someone else (a tenant admin deactivating a member). The e-mail columns are snapshots taken at
    write time, so a row stays readable after the user changes their address or is deleted."""

    created_at = models.DateTimeField(auto_now_add=True)
    event_type = models.CharField(max_length=64, choices=EventType.choices)
    # PROTECT: a tenant or user that audit rows point to cannot be deleted behind the log's back; GDPR
    # erasure first pseudonymises the rows (user_id -> NULL), which the trigger allows.
    tenant = models.ForeignKey(
        "tenants.Tenant", on_delete=models.PROTECT, null=True, blank=True, related_name="audit_events"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="audit_events"
    )
    email = models.CharField(
        max_length=254, blank=True, help_text="The user's e-mail when the event happened."
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="audit_events_as_actor",
    )
    actor_email = models.CharField(max_length=254, blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=512, blank=True)
    request_id = models.CharField(max_length=128, blank=True)
    success = models.BooleanField(default=True)
    factor = models.CharField(max_length=16, choices=Factor.choices, blank=True)
    details = models.JSONField(default=dict, blank=True, encoder=DjangoJSONEncoder)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["tenant", "-created_at"], name="audit_tenant_created"),
            models.Index(fields=["tenant", "event_type", "-created_at"], name="audit_tenant_type_created"),
            models.Index(fields=["user", "-created_at"], name="audit_user_created"),
        ]

    def __str__(self) -> str:
        return f"{self.event_type} {self.email or '-'} {self.created_at:%Y-%m-%d %H:%M:%S}"
