"""Bulk import: an aged-balance CSV becomes draft claims, one per debtor, with a per-line report.

The API stores the file and queues a job (:func:`start_import`); the ``import_claims`` Lambda reads it
and creates the drafts (:func:`run_import`), writing its progress on the job so the creditor sees it
move. Running the job twice creates nothing twice: each draft's id derives from the job and the debtor.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import logging
import uuid
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from chalicelib.domain.accounts import Identity, Role
from chalicelib.domain.errors import ConcurrentUpdate, Forbidden, InvalidInput
from chalicelib.domain.imports import ImportJob, ImportStatus
from chalicelib.services.claims import create_draft
from chalicelib.services.ports import BlobStore, ImportStore

if TYPE_CHECKING:
    from chalicelib.adapters.claims_repository import ClaimRepository

logger = logging.getLogger("claims.imports")

MAX_IMPORT_BYTES = 5 * 1024 * 1024  # about 30,000 lines of a typical export
PROGRESS_EVERY_DRAFTS = 25
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


def run_import(
    import_id: str,
    *,
    imports: ImportStore,
    files: BlobStore,
    claims: ClaimRepository,
    now: Callable[[], dt.datetime],
    notify: Callable[[ImportJob], None] | None = None,
) -> ImportJob:
    """Read the file, create the drafts, write the report, then ``notify`` the creditor (an email).
    Safe to run again after a crash."""
    from chalicelib.domain.aged_balance import parse_aged_balance

    job = imports.get(import_id)
    if job.finished:
        return job
    imports.update(import_id, status=ImportStatus.READING)

    def reading(done: int, total: int) -> None:
        imports.update(import_id, lines_read=done, total_lines=total)

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
    for index, draft in enumerate(plan.drafts, start=1):
        claim_id = draft_id(import_id, draft.debtor_key)
        lines = ", ".join(str(line) for line in draft.lines)
        with contextlib.suppress(ConcurrentUpdate):  # created by an earlier run of this job
            create_draft(
                claims,
                identity,
                draft.content,
                now=now(),
                claim_id=claim_id,
                reason=f"Brouillon créé par l'import « {job.filename} » (lignes {lines})",
            )
        created.append(
            {
                "claim_id": claim_id,
                "debtor_name": draft.content.debtor.display_name,
                "invoices": len(draft.content.invoices),
                "principal": f"{draft.content.principal:.2f}",
                "lines": list(draft.lines),
            }
        )
        if index % PROGRESS_EVERY_DRAFTS == 0:
            imports.update(import_id, drafts_created=index)

    report = dict(plan.as_report()) | {"claims": created}
    imports.update(
        import_id,
        status=ImportStatus.DONE,
        drafts_created=len(created),
        report=report,
        claim_ids=[entry["claim_id"] for entry in created],
    )
    return _finished(imports.get(import_id), notify)


def _finished(job: ImportJob, notify: Callable[[ImportJob], None] | None) -> ImportJob:
    if notify is not None:
        try:
            notify(job)
        except Exception:  # the drafts and the report are saved; a lost email must not undo them
            logger.exception("import %s: the creditor could not be notified", job.import_id)
    return job
