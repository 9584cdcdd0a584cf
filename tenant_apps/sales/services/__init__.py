"""Writes of the sales app: till imports."""

from .files import (
    ExportRejected,
    current_time_zone,
    export_read,
    sales_import_enqueue,
    sales_import_files,
    sales_import_process,
    tenant_time_zone,
)
from .imports import ImportResult, export_load, sales_import_create

__all__ = [
    "ExportRejected",
    "ImportResult",
    "current_time_zone",
    "export_load",
    "export_read",
    "sales_import_create",
    "sales_import_enqueue",
    "sales_import_files",
    "sales_import_process",
    "tenant_time_zone",
]
