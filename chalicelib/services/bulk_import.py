"""Bulk import: an aged-balance CSV becomes draft claims, one per debtor, with a per-line report.

The API stores the file and queues a job (:func:`start_import`); the ``import_claims`` Lambda reads it
and creates the drafts (:func:`run_import`), writing its progress on the job about once a second so the
creditor sees it move. The drafts are written many per transaction; the line report is stored beside the
file as JSON (10,000 lines make about 600 KB: more than a DynamoDB item may hold), the job keeps its counts
and the report's key. Running the job twice creates nothing twice: each draft's id derives from the job
and the debtor.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import logging
import time
import uuid
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from chalicelib.clock import Throttle
from chalicelib.domain.accounts import Identity, Role
from chalicelib.domain.errors import Forbidden, InvalidInput
from chalicelib.domain.imports import ImportJob, ImportStatus
from chalicelib.services.claims import new_draft
from chalicelib.services.ports import BlobStore, DocumentReader, ImportStore

if TYPE_CHECKING:
    from chalicelib.adapters.claims_repository import ClaimRepository

logger = logging.getLogger("claims.imports")

MAX_IMPORT_BYTES = 5 * 1024 * 1024  # about 30,000 lines of a typical export
DRAFTS_PER_WRITE = 198  # drafts handed to the repository at once (it packs them 100 writes a transaction)
PROGRESS_SECONDS = 1.0  # the job's progress is written at most about once a second
MAX_REPORT_BYTES = 64 * 1024 * 1024  # a report is about 60 bytes a line: far above any accepted file
UNREADABLE_FR = (
    "Le fichier n'a pas pu être lu jusqu'au bout : aucune créance n'a été créée. Vérifiez qu'il s'agit bien "
    "d'un CSV exporté par votre logiciel ; l'équipe a été prévenue."
)


def start_import(
    imports: ImportStore,
    files: BlobStore,
    start_worker: Callable[[str], None],
    identity: Identity,
    *,
    data: bytes,
    filename: str,
    now: dt.datetime,
) -> ImportJob:
    if identity.role is not Role.CREDITOR or not identity.creditor_id:
        raise Forbidden("Seul un compte créancier peut importer des créances.")
    if not data.strip():
        raise InvalidInput("Le fichier est vide.", code="import_empty", field="file")
    if len(data) > MAX_IMPORT_BYTES:
        raise InvalidInput(
            f"Le fichier dépasse {MAX_IMPORT_BYTES // (1024 * 1024)} Mo : découpez-le en plusieurs imports.",
            code="import_too_large",
            field="file",
        )
    if data[:5] == b"%PDF-" or data[:4] in {b"PK\x03\x04", b"\xd0\xcf\x11\xe0"}:
        raise InvalidInput(
            "Ce fichier n'est pas un CSV : dans Excel, utilisez « Enregistrer sous » → « CSV (séparateur : "
            "point-virgule) ».",
            code="import_not_csv",
            field="file",
        )
    import_id = f"imp_{uuid.uuid4().hex[:20]}"
    key = f"imports/{identity.creditor_id}/{import_id}.csv"
    files.put(key, data, "text/csv")
    job = imports.create(
        ImportJob(
            import_id=import_id,
            creditor_id=identity.creditor_id,
            filename=filename or "import.csv",
            storage_key=key,
            status=ImportStatus.QUEUED,
            created_at=now,
            updated_at=now,
        )
    )
    start_worker(import_id)
    return job


def draft_id(import_id: str, debtor_key: str) -> str:
    digest = hashlib.sha256(f"{import_id}|{debtor_key}".encode()).hexdigest()[:20]
    return f"clm_{digest}"


def report_key(job: ImportJob) -> str:
    """Where the job's line report is stored: beside its file."""
    return f"imports/{job.creditor_id}/{job.import_id}.report.json"


def with_report(files: DocumentReader, job: ImportJob) -> ImportJob:
    """The job with its line report loaded (for the job's page and the creditor's data export)."""
    if job.report is not None or not job.report_key:
        return job
    report = json.loads(files.get(job.report_key, MAX_REPORT_BYTES))
    return dataclasses.replace(job, report=report)


class _Progress:
    """Writes the job's progress when about :data:`PROGRESS_SECONDS` have passed since the last write."""

    def __init__(self, imports: ImportStore, import_id: str, clock: Callable[[], float]) -> None:
        self._imports = imports
        self._import_id = import_id
        self._every = Throttle(PROGRESS_SECONDS, clock)

    def __call__(self, **counters: int) -> None:
        if self._every.due():
            self._imports.update(self._import_id, status=None, **counters)
            self._every.done()


def run_import(
    import_id: str,
    *,
    imports: ImportStore,
    files: BlobStore,
    claims: ClaimRepository,
    now: Callable[[], dt.datetime],
    notify: Callable[[ImportJob], None] | None = None,
    clock: Callable[[], float] = time.monotonic,
) -> ImportJob:
    """Read the file, create the drafts, store the report, then ``notify`` the creditor (an email).
    Safe to run again after a crash. ``clock``: seconds, for the progress writes' pace."""
    from chalicelib.domain.aged_balance import parse_aged_balance

    job = imports.get(import_id)
    if job.finished:
        return with_report(files, job)
    imports.update(import_id, status=ImportStatus.READING)
    progress = _Progress(imports, import_id, clock)

    def reading(done: int, total: int) -> None:
        progress(lines_read=done, total_lines=total)

    try:
        plan = parse_aged_balance(files.get(job.storage_key, MAX_IMPORT_BYTES), on_progress=reading)
    except InvalidInput as invalid:
        imports.update(import_id, status=ImportStatus.FAILED, error=invalid.message)
        return _finished(imports.get(import_id), notify)
    except Exception:
        # A bad cell rejects its line (the report says why); anything else escaping the reader is a defect,
        # but the job must still end — never « lecture 0 % » forever, with no report and no email.
        logger.exception("import %s: the file could not be read", import_id)
        imports.update(import_id, status=ImportStatus.FAILED, error=UNREADABLE_FR)
        return _finished(imports.get(import_id), notify)

    rejected_lines = len({rejection.line for rejection in plan.rejected})
    imports.update(
        import_id,
        status=ImportStatus.CREATING,
        total_lines=plan.total_lines,
        lines_read=plan.total_lines,
        drafts_total=len(plan.drafts),
        lines_rejected=rejected_lines,
    )
    identity = Identity(job.creditor_id, "", Role.CREDITOR)
    created: list[dict[str, Any]] = []
    for start in range(0, len(plan.drafts), DRAFTS_PER_WRITE):
        chunk = plan.drafts[start : start + DRAFTS_PER_WRITE]
        new = []
        for draft in chunk:
            claim_id = draft_id(import_id, draft.debtor_key)
            lines = ", ".join(str(line) for line in draft.lines)
            claim = new_draft(identity, draft.content, now=now(), claim_id=claim_id)
            new.append((claim, f"Brouillon créé par l'import « {job.filename} » (lignes {lines})"))
            created.append(
                {
                    "claim_id": claim_id,
                    "debtor_name": draft.content.debtor.display_name,
                    "invoices": len(draft.content.invoices),
                    "principal": f"{draft.content.principal:.2f}",
                    "lines": list(draft.lines),
                }
            )
        claims.create_many(new, actor=identity.user_id)  # those of an earlier run of this job are skipped
        progress(drafts_created=len(created))

    report: Mapping[str, Any] = dict(plan.as_report()) | {"claims": created}
    key = report_key(job)
    files.put(key, json.dumps(report, ensure_ascii=False).encode(), "application/json")
    imports.update(import_id, status=ImportStatus.DONE, drafts_created=len(created), report_key=key)
    return _finished(dataclasses.replace(imports.get(import_id), report=report), notify)


def _finished(job: ImportJob, notify: Callable[[ImportJob], None] | None) -> ImportJob:
    if notify is not None:
        try:
            notify(job)
        except Exception:  # the drafts and the report are saved; a lost email must not undo them
            logger.exception("import %s: the creditor could not be notified", job.import_id)
    return job
