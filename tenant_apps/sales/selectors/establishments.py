"""The till establishments the tenant's exports named (or that were mapped ahead of one)."""

from __future__ import annotations

from django.db.models import QuerySet

from ..models import TillEstablishment


def establishment_list() -> QuerySet[TillEstablishment]:
    return TillEstablishment.objects.select_related("site").order_by("establishment_id")
