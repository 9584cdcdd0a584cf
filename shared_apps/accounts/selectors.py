"""Reads of people. Every tenant-scoped read takes the tenant: a member list or lookup never leaves it."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from shared_apps.core.exceptions import NotFound
from shared_apps.core.pagination import offset_slice
from shared_apps.tenants.models import Tenant

from .models import Membership


def member_list(*, tenant: Tenant, skip: int, limit: int) -> tuple[list[Membership], int]:
    memberships = Membership.objects.filter(tenant=tenant)
    total = memberships.count()
    page = offset_slice(memberships.select_related("user").order_by("user__email"), skip=skip, limit=limit)
    return page, total


def member_get(*, tenant: Tenant, user_id: UUID | Any) -> Membership:
    """The membership of `user_id` at `tenant`; a person who is not a member here is a 404 like any other."""
    membership = Membership.objects.select_related("user").filter(tenant=tenant, user_id=user_id).first()
    if membership is None:
        raise NotFound("Utilisateur introuvable.", code="user_not_found")
    return membership
