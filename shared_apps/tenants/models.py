from __future__ import annotations

import re
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django_tenants.models import DomainMixin, TenantMixin

# A slug is a DNS label (it becomes `<slug>.<base domain>`) and, with '-' → '_', the schema name.
SLUG_RE = re.compile(r"^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$")
SLUG_MAX_LENGTH = 40
RESERVED_SCHEMAS = {"public", "information_schema"}


def schema_name_for(slug: str) -> str:
    return slug.replace("-", "_")


def slug_problem(slug: str) -> str | None:
    """Why `slug` cannot name a tenant, or None."""
    if not slug or len(slug) < 2 or len(slug) > SLUG_MAX_LENGTH:
        return f"slug must be 2 to {SLUG_MAX_LENGTH} characters"
    if not SLUG_RE.match(slug):
        return "slug must be lowercase letters, digits and single hyphens, starting with a letter"
    schema = schema_name_for(slug)
    if schema in RESERVED_SCHEMAS or schema.startswith("pg_") or schema == settings.TENANT_TEMPLATE_SCHEMA:
        return f"slug {slug!r} is reserved"
    return None


class Tenant(TenantMixin):
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=SLUG_MAX_LENGTH, unique=True)
    is_active = models.BooleanField(default=True)
    settings = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # Set when the tenant was deleted but its row must stay (append-only audit rows refer to it).
    deleted_at = models.DateTimeField(null=True, blank=True)

    # Schemas are created by services.tenant_create (template clone), never implicitly by save().
    auto_create_schema = False
    auto_drop_schema = False

    class Meta:
        ordering = ["slug"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(slug__regex=SLUG_RE.pattern),
                name="tenant_slug_format",
            ),
        ]

    def __str__(self) -> str:
        return self.slug

    def clean(self) -> None:
        problem = slug_problem(self.slug)
        if problem:
            raise ValidationError({"slug": problem})

    def setting(self, key: str, default: Any = None) -> Any:
        return (self.settings or {}).get(key, default)


class Domain(DomainMixin):
    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["tenant"],
                condition=models.Q(is_primary=True),
                name="domain_one_primary_per_tenant",
            ),
        ]

    def __str__(self) -> str:
        return self.domain


class RoutingGeneration(models.Model):
    """One row whose value moves, in the same transaction, with every change to a tenant or a domain: the
    routing caches of other processes compare it to the value they last saw (routing.py)."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    value = models.BigIntegerField(default=0)

    class Meta:
        constraints = [models.CheckConstraint(condition=models.Q(id=1), name="routing_generation_single_row")]

    def __str__(self) -> str:
        return str(self.value)
