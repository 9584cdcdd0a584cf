"""Writes of the METRO app: import files and batches, background jobs, aggregates."""

from .aggregates import aggregates_recalculate, aggregates_refresh
from .batches import SourceFile, batch_create, batch_import, invoice_import_file
from .jobs import batch_enqueue, batch_process
from .loading import invoice_load
from .outcomes import BatchResult, FileOutcome
from .uploads import UnsupportedFileType, uploads_read

__all__ = [
    "BatchResult",
    "FileOutcome",
    "SourceFile",
    "UnsupportedFileType",
    "aggregates_recalculate",
    "aggregates_refresh",
    "batch_create",
    "batch_enqueue",
    "batch_import",
    "batch_process",
    "invoice_import_file",
    "invoice_load",
    "uploads_read",
]
