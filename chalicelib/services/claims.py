"""Claim intake: a creditor files a draft, attaches the evidence, pre-checks it and submits it.

Each use case takes its adapters as arguments (ports), so tests pass real local ones. Every change of a
claim goes through the repository, which appends a hash-chained audit event in the same transaction.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from chalicelib.clock import business_now, day_of
from chalicelib.domain.accounts import CreditorProfile, Identity, Role
from chalicelib.domain.claim import (
    DOCUMENT_KIND_LABELS_FR,
    AuditEvent,
    ChainCheck,
    Claim,
    ClaimStatus,
    DocumentKind,
    EventKind,
    EvidenceDocument,
    verify_chain,
)
from chalicelib.domain.claim_content import ClaimContent, legal_input
from chalicelib.domain.errors import Forbidden, InvalidInput, NotEditable, NotFound, NotSubmittable
from chalicelib.domain.notifications import Notification
from chalicelib.domain.payments import euros
from chalicelib.domain.precheck import Blocker, submission_blockers
from chalicelib.services import terms
from chalicelib.services.ports import AccountFinder, DocumentStore, TermsLedger
from chalicelib.services.terms import CgvConsent

if TYPE_CHECKING:
    from chalicelib.adapters.claims_repository import ClaimRepository as ClaimStore
    from chalicelib.services.debtor_check import DebtorCheck

ACCEPTED_MEDIA_TYPES = ("application/pdf", "image/png", "image/jpeg")
EDITABLE = frozenset({ClaimStatus.DRAFT})


def _creditor_only(identity: Identity) -> str:
    if identity.role is not Role.CREDITOR or not identity.creditor_id:
        raise Forbidden("Seul un compte créancier peut déposer une créance.")
    return identity.creditor_id


def _cents(amount: Decimal) -> int:
    return int((amount * 100).to_integral_value())


def _summary_fields(content: ClaimContent) -> dict[str, Any]:
    return {
        "debtor_name": content.debtor.display_name,
        "principal_cents": _cents(content.principal),
        "reference": content.reference,
        "content": content.as_json(),
    }


def _editable(claim: Claim) -> None:
    if claim.status not in EDITABLE:
        raise NotEditable(
            "Cette créance a été soumise : elle ne peut plus être modifiée. "
            "Retirez-la et déposez-en une nouvelle si elle contient une erreur."
        )


# ---------------------------------------------------------------------------------------------------
# drafts
# ---------------------------------------------------------------------------------------------------
def new_draft(
    identity: Identity, content: ClaimContent, *, now: dt.datetime, claim_id: str | None = None
) -> Claim:
    """A creditor's new draft, not yet stored (the bulk import stores many at once)."""
    creditor_id = _creditor_only(identity)
    return Claim(
        claim_id=claim_id or f"clm_{uuid.uuid4().hex[:20]}",
        creditor_id=creditor_id,
        status=ClaimStatus.DRAFT,
        created_at=now,
        updated_at=now,
        **_summary_fields(content),
    )


def create_draft(
    claims: ClaimStore,
    identity: Identity,
    content: ClaimContent,
    *,
    now: dt.datetime,
    reason: str = "",
    claim_id: str | None = None,
) -> Claim:
    claim = new_draft(identity, content, now=now, claim_id=claim_id)
    return claims.create(claim, actor=identity.user_id, reason=reason or "Brouillon créé")


def update_draft(
    claims: ClaimStore,
    identity: Identity,
    claim_id: str,
    content: ClaimContent,
    *,
    expected_version: int,
    now: dt.datetime,
) -> Claim:
    """Replace a draft's content. ``expected_version`` is the version the creditor's form was loaded
    with: if someone saved in between, 409 and nothing is overwritten."""
    _creditor_only(identity)
    _editable(claims.get_for(identity, claim_id))

    def change(claim: Claim) -> Claim:
        _editable(claim)
        return replace(claim, **_summary_fields(content), assessment=None)

    return claims.record(
        claim_id,
        kind=EventKind.CONTENT_UPDATED,
        actor=identity.user_id,
        reason="Créance modifiée par le créancier",
        change=change,
        expected_version=expected_version,
        now=now,
    )


def withdraw(
    claims: ClaimStore, identity: Identity, claim_id: str, *, reason: str, now: dt.datetime
) -> Claim:
    _creditor_only(identity)
    claims.get_for(identity, claim_id)
    text = reason.strip() or "sans motif indiqué"
    return claims.transition(
        claim_id,
        ClaimStatus.WITHDRAWN,
        actor=identity.user_id,
        reason=f"Retirée par le créancier : {text}",
        now=now,
        notify=Notification("withdrawn", {"withdrawn_on": day_of(now).isoformat()}),
    )


# ---------------------------------------------------------------------------------------------------
# pre-check and submission
# ---------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Precheck:
    claim: Claim
    assessment: Mapping[str, Any]
    blockers: tuple[Blocker, ...]

    @property
    def can_submit(self) -> bool:
        return not self.blockers

    @property
    def review_reasons(self) -> list[dict[str, str]]:
        """Why a partner lawyer will review the claim before any letter (empty: no review)."""
        from chalicelib.services.review import review_reasons

        return review_reasons(self.assessment) if self.can_submit else []

    def as_dict(self) -> dict[str, Any]:
        reasons = self.review_reasons
        return {
            "claim_id": self.claim.claim_id,
            "can_submit": self.can_submit,
            "blockers": [b.as_dict() for b in self.blockers],
            **dict(self.assessment),
            "review": {"required": True, "reasons": reasons} if reasons else None,
        }


_RATE_MISSING = (
    "Le taux applicable au début de la période (semestre {semester}) n'est pas dans les tables de la "
    "plateforme, qui commencent en 2014 : les intérêts de cette créance ne peuvent pas être calculés. "
    "Confiez-la à un avocat."
)


def _creditor_profile(accounts: AccountFinder, identity: Identity) -> CreditorProfile:
    account = accounts.find(identity.user_id)
    if account is None or account.creditor is None or account.creditor.address is None:
        raise InvalidInput(
            "Complétez d'abord votre profil de créancier (raison sociale, adresse, SIREN) : "
            "il figure sur la mise en demeure.",
            code="profile_incomplete",
            field="profile",
        )
    return account.creditor


def assess_claim(claim: Claim, profile: CreditorProfile, today: dt.date) -> Precheck:
    """Run the legal engine on a stored claim (lazy import: the engine loads its rate tables once)."""
    from chalicelib.legal.assess import assess
    from chalicelib.legal.errors import InvalidInput as LegalInvalidInput
    from chalicelib.services.rates import current_tables

    if claim.content is None:
        raise InvalidInput(
            "La créance est vide : renseignez le débiteur et au moins une facture.", field="content"
        )
    content = ClaimContent.model_validate(claim.content)
    try:
        assessment = assess(legal_input(content, profile, today), tables=current_tables())
    except LegalInvalidInput as invalid:
        details = [{"field": e.field, "message": e.message} for e in invalid.errors]
        first = details[0] if details else {"field": "content", "message": str(invalid)}
        raise InvalidInput(
            f"{first['field']} : {first['message']}",
            code="invalid_claim",
            field=first["field"],
            details=details,
        ) from None
    blockers = []
    for blocker in submission_blockers(assessment):
        if blocker.code == "rate_not_published":
            semester = (assessment.get("amounts") or {}).get("error", {}).get("semester", "")
            blocker = Blocker(blocker.code, _RATE_MISSING.format(semester=semester), blocker.article)
        blockers.append(blocker)
    return Precheck(claim, assessment, tuple(blockers))


def with_debtor_check(result: Precheck, debtor: DebtorCheck) -> Precheck:
    """The BODACC check as one more finding of the assessment (the creditor sees what was checked)."""
    findings = [*(result.assessment.get("findings") or []), debtor.finding()]
    return replace(result, assessment={**result.assessment, "findings": findings})


def checked_assessment(
    claims: ClaimStore,
    claim: Claim,
    profile: CreditorProfile,
    today: dt.date,
    *,
    now: dt.datetime,
    debtor_source: Any = None,
) -> Precheck:
    """The debtor checked against the BODACC (its proceedings written into the claim when it publishes
    some), then the legal engine on the claim as it now stands. ``debtor_source``: the BODACC adapter
    (default: the one ``BODACC`` selects)."""
    from chalicelib.services import debtor_check

    source = debtor_source if debtor_source is not None else debtor_check.bodacc_source()
    claim, debtor = debtor_check.refresh(claims, claim, source, today=today, now=now)
    return with_debtor_check(assess_claim(claim, profile, today), debtor)


def precheck(
    claims: ClaimStore,
    accounts: AccountFinder,
    identity: Identity,
    claim_id: str,
    *,
    today: dt.date,
    now: dt.datetime | None = None,
) -> Precheck:
    claim = claims.get_for(identity, claim_id)
    profile = _creditor_profile(accounts, identity)
    if claim.status is not ClaimStatus.DRAFT:
        return assess_claim(claim, profile, today)
    return checked_assessment(claims, claim, profile, today, now=now or business_now())


def submit(
    claims: ClaimStore,
    accounts: TermsLedger,
    identity: Identity,
    claim_id: str,
    *,
    today: dt.date,
    now: dt.datetime,
    consent: CgvConsent,
    expected_version: int | None = None,
) -> Precheck:
    """Pre-check again and, when nothing blocks, move the draft to *awaiting payment* with the assessment
    and the hashes of the evidence in the audit event, and queue the creditor's email saying what to pay
    (the notice's price) and where. Otherwise :class:`NotSubmittable` lists why. A submittable claim goes
    ahead only once the account accepted the conditions générales de vente in force (``consent``):
    accepted by this request, the acceptance is recorded on the account and in the timeline."""
    from chalicelib.settings import get_settings

    _creditor_only(identity)
    claim = claims.get_for(identity, claim_id)
    _editable(claim)
    result = checked_assessment(claims, claim, _creditor_profile(accounts, identity), today, now=now)
    claim = result.claim
    if not result.can_submit:
        first = result.blockers[0]
        raise NotSubmittable(
            f"La créance ne peut pas être soumise : {first.message}",
            details=[{"field": b.code, "message": b.message} for b in result.blockers],
        )
    if not any(d.kind is DocumentKind.INVOICE for d in claim.accepted_documents):
        raise NotSubmittable(
            "Joignez au moins une facture (PDF ou image) avant de soumettre la créance : "
            "elle sera la première pièce du dossier.",
            code="invoice_missing",
        )
    accepting = terms.version_to_record(accounts, identity, consent)
    snapshot = dict(result.assessment)
    settings = get_settings()
    submitted_email = Notification(
        "claim_submitted",
        {
            "amount_due": euros(settings.price_notice_cents),
            "payment_url": f"{settings.public_url.rstrip('/')}/#/creances/{claim_id}",
            "amount_claimed": euros(claim.principal_cents),
        },
    )
    moved = claims.transition(
        claim_id,
        ClaimStatus.AWAITING_PAYMENT,
        actor=identity.user_id,
        reason="Créance soumise par le créancier après pré-contrôle",
        document_hashes=claim.document_hashes(),
        change=lambda c: replace(c, assessment=snapshot),
        expected_version=expected_version,
        now=now,
        notify=submitted_email,
    )
    if accepting is not None:
        moved = terms.record_acceptance(accounts, claims, identity, claim_id, accepting, now=now)
    return replace(result, claim=moved)


# ---------------------------------------------------------------------------------------------------
# evidence
# ---------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class UploadSlot:
    claim: Claim
    document: EvidenceDocument
    upload: Mapping[str, Any]


def request_upload(
    claims: ClaimStore,
    files: DocumentStore,
    identity: Identity,
    claim_id: str,
    *,
    filename: str,
    kind: DocumentKind,
    content_type: str,
    max_bytes: int,
    now: dt.datetime,
    title: str = "",
    document_date: str = "",
) -> UploadSlot:
    """Hand out a presigned POST for one file; the document stays *pending* until :func:`confirm_upload`.
    The file's name is kept made harmless (:func:`safe_filename`); its storage key never contains it."""
    from chalicelib.documents.inspection import safe_filename

    filename = safe_filename(filename)
    _creditor_only(identity)
    _editable(claims.get_for(identity, claim_id))
    if content_type not in ACCEPTED_MEDIA_TYPES:
        raise InvalidInput(
            "Seuls les fichiers PDF, PNG et JPEG sont acceptés.",
            code="unsupported_type",
            field="content_type",
        )
    document_id = f"doc_{uuid.uuid4().hex[:16]}"
    document = EvidenceDocument(
        document_id=document_id,
        kind=kind,
        filename=filename,
        storage_key=files.upload_key(claim_id, document_id),
        status="pending",
        created_at=now,
        media_type=content_type,
        title=title or DOCUMENT_KIND_LABELS_FR[kind],
        document_date=document_date,
    )

    def change(claim: Claim) -> Claim:
        _editable(claim)
        pending = [d for d in claim.documents if not d.accepted]
        if len(pending) >= 20:
            raise InvalidInput(
                "Trop de fichiers en attente de réception : envoyez-les avant d'en ajouter d'autres."
            )
        return replace(claim, documents=(*claim.documents, document))

    updated = claims.record(
        claim_id,
        kind=EventKind.NOTE,
        actor=identity.user_id,
        reason=f"Dépôt du fichier « {filename} » préparé",
        change=change,
        now=now,
    )
    upload = files.presigned_post(document.storage_key, content_type, max_bytes=max_bytes)
    return UploadSlot(updated, document, upload)


@dataclass(frozen=True)
class ConfirmedUpload:
    claim: Claim
    document: EvidenceDocument
    prefill: Mapping[str, Any] | None


def confirm_upload(
    claims: ClaimStore,
    files: DocumentStore,
    identity: Identity,
    claim_id: str,
    document_id: str,
    *,
    now: dt.datetime,
) -> ConfirmedUpload:
    """Check the uploaded bytes (real type, size, PDF readable and not encrypted, no active or hidden
    content…). A rejected file is deleted and forgotten, and :class:`UploadRejected` says why in French; an
    accepted one gets its SHA-256 recorded, its name the real type's extension (« scan » → « scan.pdf »),
    and an invoice is read for a Factur-X pre-fill. The checked bytes are sealed: copied to a key no upload
    form can write (chalicelib/services/integrity.py), which every later use reads and verifies; the upload
    itself is deleted, so re-posting the form after confirmation changes nothing that is used."""
    from chalicelib.documents.inspection import MAX_UPLOAD_BYTES, download_name, inspect_upload
    from chalicelib.domain.errors import UploadRejected
    from chalicelib.services.integrity import sealed_key

    _creditor_only(identity)
    claim = claims.get_for(identity, claim_id)
    _editable(claim)
    document = claim.document(document_id)
    if document is None:
        raise NotFound("Ce fichier est introuvable.")
    if document.accepted:
        return ConfirmedUpload(claim, document, None)
    content = files.get(document.storage_key, MAX_UPLOAD_BYTES)
    try:
        inspected = inspect_upload(content, filename=document.filename, declared_type=document.media_type)
    except UploadRejected:
        files.delete(document.storage_key)
        claims.record(
            claim_id,
            kind=EventKind.NOTE,
            actor=identity.user_id,
            reason=f"Fichier « {document.filename} » refusé et supprimé",
            change=lambda c: replace(
                c, documents=tuple(d for d in c.documents if d.document_id != document_id)
            ),
            now=now,
        )
        raise
    sealed = sealed_key(claim_id, document_id)
    files.put(sealed, content, inspected.media_type)
    accepted = replace(
        document,
        storage_key=sealed,
        filename=download_name(document.filename, inspected.media_type),
        status="accepted",
        media_type=inspected.media_type,
        size=inspected.size,
        sha256=inspected.sha256,
        pages=inspected.pages,
    )

    def change(c: Claim) -> Claim:
        return replace(
            c, documents=tuple(accepted if d.document_id == document_id else d for d in c.documents)
        )

    updated = claims.record(
        claim_id,
        kind=EventKind.DOCUMENT_ADDED,
        actor=identity.user_id,
        reason=f"Pièce ajoutée : {accepted.title} (« {accepted.filename} »)",
        change=change,
        document_hashes={document_id: inspected.sha256},
        now=now,
    )
    files.delete(document.storage_key)  # the upload: nothing reads it any more
    prefill = None
    if accepted.kind is DocumentKind.INVOICE and inspected.media_type == "application/pdf":
        from chalicelib.documents.einvoice import extract_invoice_prefill

        prefill = extract_invoice_prefill(content).as_dict()
    return ConfirmedUpload(updated, accepted, prefill)


def remove_document(
    claims: ClaimStore,
    files: DocumentStore,
    identity: Identity,
    claim_id: str,
    document_id: str,
    *,
    now: dt.datetime,
) -> Claim:
    _creditor_only(identity)
    claim = claims.get_for(identity, claim_id)
    _editable(claim)
    document = claim.document(document_id)
    if document is None:
        raise NotFound("Ce fichier est introuvable.")
    updated = claims.record(
        claim_id,
        kind=EventKind.DOCUMENT_REMOVED,
        actor=identity.user_id,
        reason=f"Pièce retirée : « {document.filename} »",
        change=lambda c: replace(c, documents=tuple(d for d in c.documents if d.document_id != document_id)),
        document_hashes={document_id: document.sha256} if document.sha256 else None,
        now=now,
    )
    files.delete(document.storage_key)
    return updated


# ---------------------------------------------------------------------------------------------------
# timeline
# ---------------------------------------------------------------------------------------------------
def timeline(
    claims: ClaimStore, identity: Identity, claim_id: str, *, after: int = 0, limit: int | None = None
) -> tuple[list[AuditEvent], bool]:
    """The claim's events after sequence ``after``, in order, at most ``limit`` of them; and whether more
    follow."""
    claim = claims.get_for(identity, claim_id)
    if limit is None:
        return sorted(claims.events(claim_id), key=lambda event: event.sequence), False
    events = claims.events_after(claim_id, after, limit=limit)
    last = events[-1].sequence if events else after
    return events, len(events) == limit and last < claim.event_count


def verify_timeline(claims: ClaimStore, identity: Identity, claim_id: str) -> ChainCheck:
    claim = claims.get_for(identity, claim_id)
    return verify_chain(
        claims.events(claim_id), last_hash=claim.last_event_hash, known_count=claim.event_count
    )
