"""Reads of the sales imports."""

from __future__ import annotations

from uuid import UUID

from ..models import SalesImport


def sales_import_get(*, import_id: UUID) -> SalesImport | None:
    return SalesImport.objects.filter(pk=import_id).first()
