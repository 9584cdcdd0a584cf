"""What an import reports: one outcome per file, and the batch's result as the import API answers it."""

from __future__ import annotations

from dataclasses import dataclass, field
from uuid import UUID

from ..models import DocumentStatus

IMPORTED, DUPLICATE, UNRECONCILED, ERROR = "imported", "duplicate", "unreconciled", "error"
FROM_LOAD = {
    DocumentStatus.LOADED: IMPORTED,
    DocumentStatus.DUPLICATE: DUPLICATE,
    DocumentStatus.UNRECONCILED: UNRECONCILED,
}


@dataclass(frozen=True)
class FileOutcome:
    file: str
    status: str  # IMPORTED, DUPLICATE, UNRECONCILED or ERROR
    number: str = ""
    line_count: int = 0
    code: str = ""
    message: str = ""
    reasons: tuple[str, ...] = ()

    def as_json(self) -> dict[str, object]:
        return {
            "fichier": self.file,
            "statut": self.status,
            "numero": self.number,
            "nb_lignes": self.line_count,
            "code": self.code,
            "message": self.message,
            "raisons": list(self.reasons),
        }


@dataclass
class BatchResult:
    batch_id: UUID
    outcomes: list[FileOutcome] = field(default_factory=list)
    products_refreshed: int = 0
    duration_ms: int = 0

    def count(self, status: str) -> int:
        return sum(1 for outcome in self.outcomes if outcome.status == status)

    @property
    def overall(self) -> str:
        """Whether anything was imported: complete (every file imported or already known), partial (some
        imported, some not) or none (files failed and none was imported)."""
        if self.count(ERROR) == 0 and self.count(UNRECONCILED) == 0:
            return "complete"
        return "partial" if self.count(IMPORTED) else "none"

    def as_json(self) -> dict[str, object]:
        """The import API's answer in the contract's words, then the detail per file.

        Built here, not in a serializer, because the batch stores it as its `result`: the job status
        endpoint answers a background import with the very body a direct import would have had.
        """
        return {
            "success": self.count(ERROR) == 0 and self.count(UNRECONCILED) == 0,
            "statut": self.overall,
            "nb_factures_importees": self.count(IMPORTED),
            "nb_lignes_importees": sum(o.line_count for o in self._of(IMPORTED)),
            "nb_produits_agreges": self.products_refreshed,
            "erreurs": [{"fichier": o.file, "code": o.code, "message": o.message} for o in self._of(ERROR)],
            "duree_ms": self.duration_ms,
            "batch_id": str(self.batch_id),
            "nb_doublons": self.count(DUPLICATE),
            "non_rapprochees": [
                {"fichier": o.file, "numero": o.number, "raisons": list(o.reasons)}
                for o in self._of(UNRECONCILED)
            ],
            "fichiers": [o.as_json() for o in self.outcomes],
        }

    def _of(self, status: str) -> list[FileOutcome]:
        return [o for o in self.outcomes if o.status == status]
