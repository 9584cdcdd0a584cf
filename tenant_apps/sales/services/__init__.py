"""Writes of the sales app: till imports (dishes and recipes: `services.dishes`)."""

from .consumption import EstablishmentSiteAmbiguous
from .establishments import establishment_site_set
from .files import (
    ExportRejected,
    export_read,
    sales_import_enqueue,
    sales_import_files,
    sales_import_process,
    sales_import_upload,
)
from .imports import ImportResult, export_load, sales_import_create
from .zones import current_time_zone, tenant_time_zone

__all__ = [
    "EstablishmentSiteAmbiguous",
    "ExportRejected",
    "ImportResult",
    "current_time_zone",
    "establishment_site_set",
    "export_load",
    "export_read",
    "sales_import_create",
    "sales_import_enqueue",
    "sales_import_files",
    "sales_import_process",
    "sales_import_upload",
    "tenant_time_zone",
]
