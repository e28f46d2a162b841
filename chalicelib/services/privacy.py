"""Privacy (RGPD): a creditor's copy of everything the platform holds about them (GDPR art. 15 and 20), and
the retention plan of RULEBOOK 7.1 applied to ended claims (GDPR art. 5(1)(e)).

* :func:`export_for` — the caller's account, every claim of theirs with its content, evidence metadata,
  timeline, letter, lawyer record, checkouts and emails, their imports, and short-lived links to every file
  stored for them. Only their own: the claims come from the creditor index and pass the access rule again.
  Built in the background by the ``export_data`` function (:mod:`chalicelib.services.data_export`), which
  stores it for the creditor to download: thousands of claims take longer than an API request may.
* :func:`run_retention` — every ended claim is judged by :func:`chalicelib.domain.retention.retention_of`;
  those whose archive period is over are anonymised: their files (``claims/<id>/``, ``shares/<id>/``) and
  emails deleted, the claim item stripped of the debtor's data, the timeline re-sealed as tombstones that
  keep the original hashes (the chain still verifies). ``dry_run`` only reports. Runs daily
  (``app.apply_retention``) and on an operator's request (``POST /v1/operator/retention/run``).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

from chalicelib.clock import business_now
from chalicelib.domain.accounts import Identity, Role
from chalicelib.domain.claim import AuditEvent, Claim, verify_chain
from chalicelib.domain.errors import ConcurrentUpdate, Forbidden
from chalicelib.domain.retention import (
    ENDED_STATUSES,
    RULEBOOK,
    Retention,
    RetentionStage,
    anonymised_claim,
    anonymised_history,
    is_anonymised,
    reached_statuses,
    retention_of,
)
from chalicelib.services.bulk_import import with_report
from chalicelib.services.invoices import CreditorInvoices, export_rows

if TYPE_CHECKING:
    from chalicelib.adapters.accounts_repository import AccountRepository
    from chalicelib.adapters.claims_repository import ClaimRepository
    from chalicelib.adapters.document_store import DocumentStore
    from chalicelib.adapters.imports_repository import ImportRepository
    from chalicelib.domain.imports import ImportJob
    from chalicelib.domain.notifications import OutboxItem

logger = logging.getLogger("claims.privacy")

EXPORT_FORMAT = "claims-platform-export/1"
# How long the export's download links work (seconds).
EXPORT_LINK_SECONDS = 900
# Imports a creditor may have (the export reads them all).
MAX_IMPORTS = 10_000
# Claims read per query of the creditor index.
EXPORT_PAGE = 100


def claim_prefixes(claim_id: str) -> tuple[str, str]:
    """Where a claim's files live: its uploads, letters and dossier, and the copies made for lawyers."""
    return f"claims/{claim_id}/", f"shares/{claim_id}/"


# ---------------------------------------------------------------------------------------------------
# export (GDPR art. 15 and 20)
# ---------------------------------------------------------------------------------------------------


def export_for(
    identity: Identity,
    *,
    accounts: AccountRepository,
    claims: ClaimRepository,
    imports: ImportRepository,
    files: DocumentStore,
    now: dt.datetime,
    today: dt.date,
    invoices: CreditorInvoices | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> dict[str, Any]:
    """Everything the platform holds about a creditor, as one JSON document (files as short-lived links);
    with ``invoices``, the platform's fee invoices and credit notes too (issue 24). ``progress(done,
    total)`` is called after each claim (a timeline query and a file listing each: the long part)."""
    if identity.role is not Role.CREDITOR or not identity.creditor_id:
        raise Forbidden("Seul un compte créancier peut exporter ses données.")
    account = accounts.get(identity.user_id)
    # The creditor index already selects: said twice on purpose.
    own = [claim for claim in _own_claims(identity, claims) if claim.creditor_id == identity.creditor_id]
    emails = claims.emails_of([claim.claim_id for claim in own])
    by_claim: dict[str, list[OutboxItem]] = {}
    for email in emails:
        by_claim.setdefault(email.claim_id, []).append(email)
    jobs = imports.list_for_creditor(identity.creditor_id, limit=MAX_IMPORTS)
    return {
        "format": EXPORT_FORMAT,
        "generated_at": now.isoformat(),
        "links_expire_in": EXPORT_LINK_SECONDS,
        "subject": {"user_id": identity.user_id, "email": identity.email, "role": identity.role.value},
        "account": {
            "user_id": account.user_id,
            "email": account.email,
            "role": account.role.value,
            "created_at": account.created_at.isoformat() if account.created_at else None,
            "creditor_profile": asdict(account.creditor) if account.creditor is not None else None,
            # The conditions générales de vente accepted last (chalicelib/services/terms.py).
            "cgv_accepted": {
                "version": account.cgv_version,
                "accepted_at": account.cgv_accepted_at.isoformat() if account.cgv_accepted_at else None,
            }
            if account.cgv_version
            else None,
        },
        "claims": _claims_export(own, by_claim, claims, files, today, progress),
        "imports": [_import_export(job, files) for job in jobs if job.creditor_id == identity.creditor_id],
        "invoices": export_rows(invoices, files, identity.creditor_id, expires_in=EXPORT_LINK_SECONDS)
        if invoices is not None
        else [],
        "notes": [
            "Le mot de passe n'est connu que de Cognito, sous forme de condensat : il n'est pas exporté.",
            "Les liens de téléchargement des fichiers expirent "
            f"{EXPORT_LINK_SECONDS // 60} minutes après la préparation de l'export (generated_at) ; "
            "préparez un nouvel export depuis votre profil pour en obtenir de nouveaux.",
            f"Durées de conservation : {RULEBOOK} (voir « retention » pour chaque créance).",
        ],
    }


def _own_claims(identity: Identity, claims: ClaimRepository) -> list[Claim]:
    """The creditor's claims, newest first, read :data:`EXPORT_PAGE` at a time from the creditor index."""
    own: list[Claim] = []
    after: dict[str, Any] | None = None
    while True:
        page, after = claims.page_for(identity, limit=EXPORT_PAGE, after=after)
        own += page
        if after is None:
            return own


def _claims_export(
    own: list[Claim],
    emails: dict[str, list[OutboxItem]],
    claims: ClaimRepository,
    files: DocumentStore,
    today: dt.date,
    progress: Callable[[int, int], None] | None,
) -> list[dict[str, Any]]:
    exported = []
    if progress is not None:
        progress(0, len(own))
    for claim in own:
        events = claims.events(claim.claim_id)
        exported.append(_claim_export(claim, events, emails.get(claim.claim_id, []), files, today))
        if progress is not None:
            progress(len(exported), len(own))
    return exported


def _claim_export(
    claim: Claim, events: list[AuditEvent], emails: list[OutboxItem], files: DocumentStore, today: dt.date
) -> dict[str, Any]:
    lawyer_case = dict(claim.lawyer_case) if claim.lawyer_case else None
    if lawyer_case is not None:
        lawyer_case.pop("declines", None)  # other lawyers' decisions: not the creditor's data
    stored = [key for prefix in claim_prefixes(claim.claim_id)[:1] for key in files.keys_under(prefix)]
    return {
        "claim_id": claim.claim_id,
        "reference": claim.reference,
        "status": claim.status.value,
        "debtor_name": claim.debtor_name,
        "principal_cents": claim.principal_cents,
        "currency": claim.currency,
        "created_at": claim.created_at.isoformat(),
        "updated_at": claim.updated_at.isoformat(),
        "content": dict(claim.content) if claim.content is not None else None,
        "documents": [document.as_json() for document in claim.documents],
        "assessment": dict(claim.assessment) if claim.assessment is not None else None,
        "notice": claim.notice.to_json() if claim.notice is not None else None,
        "lawyer_case": lawyer_case,
        "checkouts": [checkout.as_json() for checkout in claim.checkouts],
        "timeline": [_event_export(event) for event in sorted(events, key=lambda e: e.sequence)],
        "emails": [_email_export(email) for email in emails],
        "files": [
            {
                "key": key,
                "url": files.presigned_get(key, key.rsplit("/", 1)[-1], expires_in=EXPORT_LINK_SECONDS),
            }
            for key in stored
        ],
        "retention": retention_of(claim, today, reached=reached_statuses(events)).as_dict(),
    }


def _event_export(event: AuditEvent) -> dict[str, Any]:
    return {
        "sequence": event.sequence,
        "at": event.at.isoformat(),
        "actor": event.actor,
        "kind": event.kind.value,
        "from_status": event.from_status.value if event.from_status else None,
        "to_status": event.to_status.value,
        "reason": event.reason,
        "document_hashes": dict(event.document_hashes),
        "prev_hash": event.prev_hash,
        "hash": event.hash,
    }


def _email_export(email: OutboxItem) -> dict[str, Any]:
    return {
        "kind": email.kind,
        "recipient": email.recipient,
        "status": email.status.value,
        "created_at": email.created_at.isoformat(),
        "sent_at": email.sent_at.isoformat() if email.sent_at else None,
        "context": dict(email.context),
        "attachments": list(email.attachments),
    }


def _import_export(job: ImportJob, files: DocumentStore) -> dict[str, Any]:
    job = with_report(files, job)
    url = None
    if job.storage_key and files.size(job.storage_key) is not None:
        url = files.presigned_get(job.storage_key, job.filename, expires_in=EXPORT_LINK_SECONDS)
    return {
        "import_id": job.import_id,
        "filename": job.filename,
        "status": job.status.value,
        "created_at": job.created_at.isoformat(),
        "updated_at": job.updated_at.isoformat(),
        "total_lines": job.total_lines,
        "drafts_created": job.drafts_created,
        "lines_rejected": job.lines_rejected,
        "error": job.error,
        "report": dict(job.report) if job.report is not None else None,
        "claim_ids": list(job.claim_ids),
        "file_url": url,
    }


# ---------------------------------------------------------------------------------------------------
# retention (RULEBOOK 7.1)
# ---------------------------------------------------------------------------------------------------


class RetentionSkipped(Exception):
    """A claim due for anonymisation that is left as it is, for an operator (the reason says why)."""


@dataclass
class RetentionRun:
    as_of: dt.date
    dry_run: bool
    examined: int = 0
    archived: int = 0
    already_anonymised: int = 0
    due: list[dict[str, Any]] = field(default_factory=list)
    anonymised: list[str] = field(default_factory=list)
    skipped: list[dict[str, str]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "as_of": self.as_of.isoformat(),
            "dry_run": self.dry_run,
            "examined": self.examined,
            "archived": self.archived,
            "already_anonymised": self.already_anonymised,
            "due": self.due,
            "anonymised": self.anonymised,
            "skipped": self.skipped,
        }


def run_retention(
    *,
    dry_run: bool,
    today: dt.date | None = None,
    now: dt.datetime | None = None,
    claims: ClaimRepository | None = None,
    files: DocumentStore | None = None,
) -> RetentionRun:
    """Judge every ended claim on ``today`` and anonymise those due (only report them when ``dry_run``).
    One claim that cannot be anonymised never stops the others: it is listed in ``skipped`` and tried again
    on the next run. ``today``/``now`` fix the clock (tests); the adapters default to the real ones."""
    from chalicelib.settings import get_settings

    if claims is None:
        from chalicelib.adapters.claims_repository import ClaimRepository

        claims = ClaimRepository(wake_sender=None)
    if files is None:
        from chalicelib.adapters.document_store import DocumentStore

        files = DocumentStore()
    now = now or business_now()
    today = today or get_settings().today()
    run = RetentionRun(today, dry_run)
    for claim in sorted(claims.in_statuses(sorted(ENDED_STATUSES)), key=lambda c: c.claim_id):
        run.examined += 1
        if is_anonymised(claim):
            run.already_anonymised += 1
            continue
        events = claims.events(claim.claim_id)
        retention = retention_of(claim, today, reached=reached_statuses(events))
        if retention.stage is not RetentionStage.DUE:
            run.archived += 1
            continue
        run.due.append({"claim_id": claim.claim_id, **retention.as_dict()})
        if dry_run:
            continue
        try:
            anonymise(claim, events, retention, claims=claims, files=files, now=now)
        except RetentionSkipped as skipped:
            run.skipped.append({"claim_id": claim.claim_id, "reason": str(skipped)})
        except ConcurrentUpdate:
            run.skipped.append({"claim_id": claim.claim_id, "reason": "modifiée pendant l'anonymisation"})
        except Exception:  # one claim never stops the run: it is tried again tomorrow
            logger.exception("retention: claim %s could not be anonymised", claim.claim_id)
            run.skipped.append({"claim_id": claim.claim_id, "reason": "erreur technique (journalisée)"})
        else:
            run.anonymised.append(claim.claim_id)
    if run.due or run.skipped:
        logger.info("retention run: %s", run.as_dict())
    return run


def anonymise(
    claim: Claim,
    events: list[AuditEvent],
    retention: Retention,
    *,
    claims: ClaimRepository,
    files: DocumentStore,
    now: dt.datetime,
) -> Claim:
    """Delete the claim's files and emails, then strip the item and re-seal its timeline in one write.
    Files go first: if the write then fails, the next run finds the claim due again and finishes."""
    check = verify_chain(events, last_hash=claim.last_event_hash, known_count=claim.event_count)
    if not check.valid:
        # A timeline that does not verify is evidence of tampering: it is kept for an operator.
        raise RetentionSkipped(f"historique non vérifiable ({check.reason})")
    if len(events) > claims.HISTORY_REWRITE_LIMIT:
        raise RetentionSkipped(f"{len(events)} événements : trop pour une seule transaction")
    keys = [key for prefix in claim_prefixes(claim.claim_id) for key in files.keys_under(prefix)]
    files.delete_many(keys)
    claims.delete_emails([email.outbox_id for email in claims.emails_of([claim.claim_id])])
    history = anonymised_history(claim, events, retention, at=now)
    return claims.rewrite_history(
        anonymised_claim(claim),
        history.events,
        original_hashes=history.original_hashes,
        closing=history.closing,
    )
