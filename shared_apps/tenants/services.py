"""Tenant writes: provisioning and removal. Each is one transaction: a failure leaves no row and no schema."""

from __future__ import annotations

import re
from typing import Any

from django.db import connection, transaction
from django.db.models import CASCADE, ProtectedError
from django.utils import timezone
from django_tenants.utils import schema_exists

from shared_apps.core.exceptions import Conflict, ValidationFailed

from . import template
from .db import use_public_schema
from .models import Domain, Tenant, schema_name_for, slug_problem
from .selectors import tenant_find_by_slug, tenant_get_by_slug

# RFC 1123 host names, lowercase, with at least one label; ports are not part of a domain.
_DOMAIN_RE = re.compile(
    r"^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$"
)


def _validate(slug: str, name: str, domain: str) -> None:
    problem = slug_problem(slug)
    if problem:
        raise ValidationFailed(problem, code="invalid_slug", details={"slug": slug})
    if not name.strip() or len(name) > 200:
        raise ValidationFailed("name must be 1 to 200 characters", code="invalid_name")
    if not _DOMAIN_RE.match(domain):
        raise ValidationFailed(f"domain {domain!r} is not a valid host name", code="invalid_domain")


def tenant_create(*, slug: str, name: str, domain: str, settings: dict[str, Any] | None = None) -> Tenant:
    """Provision a tenant: its row, its primary domain and its schema (a copy of the current template)."""
    domain = domain.strip().lower()
    _validate(slug, name, domain)
    schema_name = schema_name_for(slug)
    # Bring the template to the latest migration first: a copy of a stale template would lack tables.
    template.ensure_template_current()
    with transaction.atomic():
        existing = tenant_find_by_slug(slug=slug)
        if existing is not None:
            detail = " (it belonged to a deleted tenant)" if existing.deleted_at else ""
            raise Conflict(f"a tenant with slug {slug!r} already exists{detail}", code="duplicate_slug")
        if Domain.objects.filter(domain=domain).exists():
            raise Conflict(f"domain {domain!r} is already in use", code="duplicate_domain")
        if schema_exists(schema_name, case_sensitive=False):
            raise Conflict(f"schema {schema_name!r} already exists", code="duplicate_schema")
        tenant = Tenant(slug=slug, name=name.strip(), schema_name=schema_name, settings=settings or {})
        tenant.save()
        Domain.objects.create(domain=domain, tenant=tenant, is_primary=True)
        template.copy_template_into(schema_name)
    return tenant


def tenant_delete(*, slug: str) -> None:
    """Remove a tenant: its schema (every row of its data), its domains, memberships and other dependants.

    The row itself goes too, unless something that must outlive it refers to it (the append-only audit log
    protects its rows): then it stays as an inactive tombstone with `deleted_at`, and its slug stays taken.
    """
    with transaction.atomic():
        tenant = tenant_get_by_slug(slug=slug, live_only=True, lock=True)
        use_public_schema()
        with connection.cursor() as cursor:
            cursor.execute(f'DROP SCHEMA IF EXISTS "{tenant.schema_name}" CASCADE')
        try:
            with transaction.atomic():
                tenant.delete()
        except ProtectedError:
            _delete_cascading_dependants(tenant)
            tenant.is_active = False
            tenant.deleted_at = timezone.now()
            tenant.save(update_fields=["is_active", "deleted_at"])


def _delete_cascading_dependants(tenant: Tenant) -> None:
    """What a real delete would have cascaded to (domains, memberships, tenant roles …), found generically."""
    for relation in Tenant._meta.related_objects:
        if relation.on_delete is CASCADE and relation.related_model is not Tenant:
            relation.related_model._default_manager.filter(**{relation.field.name: tenant}).delete()


def tenant_set_active(*, slug: str, is_active: bool) -> Tenant:
    tenant = tenant_get_by_slug(slug=slug)
    tenant.is_active = is_active
    tenant.save(update_fields=["is_active"])
    return tenant
