"""A bulk import of an aged-balance CSV, as the creditor follows it: progress, then the report."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any


class ImportStatus(StrEnum):
    QUEUED = "queued"
    READING = "reading"
    CREATING = "creating"
    DONE = "done"
    FAILED = "failed"


IMPORT_STATUS_LABELS_FR: Mapping[ImportStatus, str] = {
    ImportStatus.QUEUED: "En file d'attente",
    ImportStatus.READING: "Lecture du fichier",
    ImportStatus.CREATING: "Création des brouillons",
    ImportStatus.DONE: "Terminé",
    ImportStatus.FAILED: "Échec",
}


@dataclass(frozen=True)
class ImportJob:
    import_id: str
    creditor_id: str
    filename: str
    storage_key: str
    status: ImportStatus
    created_at: datetime
    updated_at: datetime
    total_lines: int = 0
    lines_read: int = 0
    drafts_total: int = 0
    drafts_created: int = 0
    lines_rejected: int = 0
    error: str | None = None
    # The line report is stored beside the file (``report_key``, JSON): 10,000 lines make about 600 KB, over
    # DynamoDB's 400 KB item limit. ``report`` is that report once loaded (None in lists and before the end).
    report_key: str | None = None
    report: Mapping[str, Any] | None = None

    @property
    def claim_ids(self) -> tuple[str, ...]:
        """The drafts the import created, as its report lists them (empty while the report is not loaded)."""
        entries: Sequence[Mapping[str, Any]] = (self.report or {}).get("claims", ())
        return tuple(str(entry["claim_id"]) for entry in entries)

    @property
    def finished(self) -> bool:
        return self.status in {ImportStatus.DONE, ImportStatus.FAILED}

    @property
    def percent(self) -> int:
        """Overall progress: reading counts for the first half, creating the drafts for the second."""
        if self.status is ImportStatus.DONE:
            return 100
        reading = self.lines_read / self.total_lines if self.total_lines else 0.0
        creating = self.drafts_created / self.drafts_total if self.drafts_total else 0.0
        if self.status in {ImportStatus.QUEUED, ImportStatus.READING}:
            return int(50 * reading)
        return min(99, 50 + int(50 * creating))
