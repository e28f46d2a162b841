"""A creditor's data export (GDPR art. 15 and 20) as they follow it: prepared in the background, then
downloaded. Pure data and the rules on it: its progress, when it is finished, when its function is taken
for dead (:func:`is_stale`) and may be started again (:func:`may_restart`).

``en_cours`` ──▶ ``terminee`` (the document is stored, the creditor is emailed)
    │  └──▶ ``echec`` (an error while building; or :data:`MAX_ATTEMPTS` starts that all died)
    └── no progress written for :data:`STALE_AFTER` (the function died: timeout, memory): started again,
        same export id, rebuilt from the start (``attempt`` + 1)
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any


class ExportStatus(StrEnum):
    RUNNING = "en_cours"
    DONE = "terminee"
    FAILED = "echec"


EXPORT_STATUS_LABELS_FR: Mapping[ExportStatus, str] = {
    ExportStatus.RUNNING: "En préparation",
    ExportStatus.DONE: "Prêt",
    ExportStatus.FAILED: "Échec",
}

# A running export whose progress has not moved for this long has lost its function (which writes its
# progress about once a second): the next look at it starts it again.
STALE_AFTER = dt.timedelta(minutes=5)
# Starts of one export, restarts included: past this, it is given up (an export that always dies).
MAX_ATTEMPTS = 3
# What an export id looks like (``exp_20261204101500123456_1a2b3c4d``, to the microsecond): sorts by
# creation time; anything else in a URL is not found (it becomes part of a storage key).
EXPORT_ID = re.compile(r"exp_\d{20}_[0-9a-f]{8}")
# The same answer for an export of someone else's, one that expired and an id that never existed.
EXPORT_NOT_FOUND_FR = "Cet export est introuvable (les exports sont conservés 7 jours)."


@dataclass(frozen=True)
class ExportJob:
    export_id: str
    creditor_id: str
    status: ExportStatus
    created_at: dt.datetime
    updated_at: dt.datetime
    attempt: int = 1
    claims_done: int = 0
    claims_total: int = 0
    finished_at: dt.datetime | None = None
    size_bytes: int = 0
    error: str | None = None

    @property
    def finished(self) -> bool:
        return self.status is not ExportStatus.RUNNING

    @property
    def percent(self) -> int:
        """0–100; 99 at most until the document is stored."""
        if self.status is ExportStatus.DONE:
            return 100
        if not self.claims_total:
            return 0
        return min(99, self.claims_done * 100 // self.claims_total)

    def to_json(self) -> dict[str, Any]:
        return {
            "export_id": self.export_id,
            "creditor_id": self.creditor_id,
            "status": self.status.value,
            "created_at": self.created_at.isoformat(),
            "updated_at": self.updated_at.isoformat(),
            "attempt": self.attempt,
            "claims_done": self.claims_done,
            "claims_total": self.claims_total,
            "finished_at": self.finished_at.isoformat() if self.finished_at else None,
            "size_bytes": self.size_bytes,
            "error": self.error,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> ExportJob:
        finished = data.get("finished_at")
        return cls(
            export_id=str(data["export_id"]),
            creditor_id=str(data["creditor_id"]),
            status=ExportStatus(str(data["status"])),
            created_at=dt.datetime.fromisoformat(str(data["created_at"])),
            updated_at=dt.datetime.fromisoformat(str(data["updated_at"])),
            attempt=int(data.get("attempt") or 1),
            claims_done=int(data.get("claims_done") or 0),
            claims_total=int(data.get("claims_total") or 0),
            finished_at=dt.datetime.fromisoformat(str(finished)) if finished else None,
            size_bytes=int(data.get("size_bytes") or 0),
            error=str(data["error"]) if data.get("error") else None,
        )


def is_stale(job: ExportJob, now: dt.datetime) -> bool:
    """Running, and no progress written for more than :data:`STALE_AFTER`: its function died."""
    return job.status is ExportStatus.RUNNING and now - job.updated_at > STALE_AFTER


def may_restart(job: ExportJob) -> bool:
    """A stale export is started again until it has been started :data:`MAX_ATTEMPTS` times."""
    return job.attempt < MAX_ATTEMPTS
