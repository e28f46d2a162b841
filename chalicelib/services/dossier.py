"""Assemble the injonction-de-payer dossier of a paid, unpaid-after-notice claim: cover note, requête,
décompte, bordereau and every exhibit (the creditor's evidence, then the mise en demeure and its proof of
sending), as one merged PDF and a ZIP with a manifest; stored under the claim, hashes in the timeline."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from chalicelib.domain.claim import Claim, ClaimStatus, DocumentKind
from chalicelib.domain.errors import InvalidInput
from chalicelib.domain.notice_record import DossierRecord, NoticeRecord
from chalicelib.domain.notifications import Notification
from chalicelib.domain.precheck import refuse_not_due
from chalicelib.services.integrity import verified
from chalicelib.services.ports import AccountFinder, BlobStore

if TYPE_CHECKING:
    from chalicelib.adapters.claims_repository import ClaimRepository
    from chalicelib.documents.context import Exhibit

# The bordereau's order: what founds the claim first, then what proves it was claimed.
_EXHIBIT_ORDER = (
    DocumentKind.CONTRACT,
    DocumentKind.PURCHASE_ORDER,
    DocumentKind.INVOICE,
    DocumentKind.DELIVERY_PROOF,
    DocumentKind.CORRESPONDENCE,
    DocumentKind.ACKNOWLEDGEMENT,
    DocumentKind.PAYMENT_PROOF,
    DocumentKind.OTHER,
)


@dataclass(frozen=True)
class DossierResult:
    pdf_key: str
    zip_key: str
    sha256_pdf: str
    sha256_zip: str


def dossier_keys(claim_id: str) -> tuple[str, str]:
    return f"claims/{claim_id}/dossier/dossier-complet.pdf", f"claims/{claim_id}/dossier/dossier.zip"


def assemble_claim_dossier(
    claims: ClaimRepository,
    claim_id: str,
    *,
    accounts: AccountFinder,
    store: BlobStore,
    today: dt.date,
    now: dt.datetime,
) -> DossierResult:
    """Idempotent: a claim already *dossier ready* keeps its dossier."""
    from chalicelib.documents.context import Exhibit
    from chalicelib.documents.dossier import assemble
    from chalicelib.documents.inspection import MAX_UPLOAD_BYTES
    from chalicelib.services.claims import assess_claim
    from chalicelib.services.notice import build_notice_context

    claim = claims.get(claim_id)
    pdf_key, zip_key = dossier_keys(claim_id)
    if claim.status is not ClaimStatus.ESCALATION_OFFERED:
        existing = (claim.notice.dossier if claim.notice else None) or DossierRecord()
        return DossierResult(pdf_key, zip_key, existing.sha256_pdf, existing.sha256_zip)
    account = accounts.find(claim.creditor_id)
    if account is None or account.creditor is None:
        raise InvalidInput("Le profil du créancier est introuvable : le dossier ne peut pas être constitué.")
    assessment = assess_claim(claim, account.creditor, today).assessment
    refuse_not_due(assessment, "Aucun dossier d'injonction de payer ne peut être constitué")
    ctx = build_notice_context(claim, account.creditor, assessment, today=today)

    exhibits: list[Exhibit] = []
    ordered = sorted(claim.accepted_documents, key=lambda d: (_EXHIBIT_ORDER.index(d.kind), d.created_at))
    invoice_dates = _invoice_dates(claim)
    for document in ordered:
        dated = document.document_date or (
            _invoice_date_of(document, invoice_dates) if document.kind is DocumentKind.INVOICE else ""
        )
        exhibits.append(
            Exhibit(
                number=len(exhibits) + 1,
                title=document.title or document.filename,
                date=dt.date.fromisoformat(dated) if dated else None,
                filename=document.filename,
                media_type=document.media_type,
                content=verified(
                    store,
                    document.storage_key,
                    document.sha256,
                    what=f"La pièce « {document.filename} »",
                    max_bytes=MAX_UPLOAD_BYTES,
                ),
            )
        )
    notice = claim.notice or NoticeRecord()
    if notice.pdf_key:
        exhibits.append(
            Exhibit(
                number=len(exhibits) + 1,
                title="Mise en demeure"
                + (f" (lettre recommandée n° {notice.tracking_number})" if notice.tracking_number else ""),
                date=notice.sent_on,
                filename="mise-en-demeure.pdf",
                media_type="application/pdf",
                content=verified(
                    store,
                    notice.pdf_key,
                    notice.sha256,
                    what="La mise en demeure envoyée",
                    max_bytes=MAX_UPLOAD_BYTES,
                ),
            )
        )
    tracking = notice.tracking_number or None
    presented_on = notice.first_presented_on
    # The provider's own proofs (issue 23): proof of dispatch, then the avis de réception, the refusal,
    # the non-claim or the returned letter — each checked against the hash the timeline recorded.
    proofs = [p for p in notice.delivery.get("proofs") or [] if p.get("key")]
    for proof in sorted(proofs, key=lambda p: (p.get("kind") != "deposit", str(p.get("stored_at")))):
        stored_on = str(proof.get("stored_at") or "")[:10]
        exhibits.append(
            Exhibit(
                number=len(exhibits) + 1,
                title=str(proof.get("title") or "Preuve de l'envoi recommandé")
                + (f" (n° {tracking})" if tracking else ""),
                date=dt.date.fromisoformat(stored_on) if stored_on else notice.sent_on,
                filename=f"{proof.get('kind', 'preuve')}-recommande.pdf",
                media_type="application/pdf",
                content=verified(
                    store,
                    str(proof["key"]),
                    str(proof.get("sha256") or ""),
                    what=str(proof.get("title") or "La preuve de l'envoi recommandé"),
                    max_bytes=MAX_UPLOAD_BYTES,
                ),
            )
        )
    if notice.pdf_key and (tracking or presented_on) and not proofs:
        from chalicelib.documents.letters import registered_letter_proof_pdf

        sent = notice.sent_on
        exhibits.append(
            Exhibit(
                number=len(exhibits) + 1,
                title="Preuve d'envoi de la mise en demeure"
                + (f" (lettre recommandée n° {tracking})" if tracking else "")
                + (f", première présentation le {presented_on.strftime('%d/%m/%Y')}" if presented_on else ""),
                date=presented_on or sent,
                filename="preuve-envoi.pdf",
                media_type="application/pdf",
                content=registered_letter_proof_pdf(
                    ctx, tracking_number=tracking, sent_on=sent, first_presented_on=presented_on
                ),
            )
        )
    # The debtor's disputes (issue 22): the creditor goes on anyway, so their files are exhibits and the
    # lawyer's note says what the debtor wrote.
    disputes = _debtor_disputes(claim_id)
    for declared, file in [(d, f) for d in disputes for f in d.details.get("files") or []]:
        exhibits.append(
            Exhibit(
                number=len(exhibits) + 1,
                title="Pièce jointe par le débiteur à sa contestation du "
                + declared.declared_at.strftime("%d/%m/%Y"),
                date=declared.declared_at.date(),
                filename=str(file["filename"]),
                media_type=str(file["media_type"]),
                content=verified(
                    store,
                    str(file["storage_key"]),
                    str(file["sha256"]),
                    what=f"La pièce du débiteur « {file['filename']} »",
                    max_bytes=MAX_UPLOAD_BYTES,
                ),
            )
        )
    if disputes:
        from chalicelib.domain.debtor_declaration import DISPUTE_REASONS

        ctx = replace(
            ctx,
            extra={
                **ctx.extra,
                "debtor_disputes": "\n".join(
                    f"{d.declared_at.strftime('%d/%m/%Y')} : "
                    + DISPUTE_REASONS.get(str(d.details.get("reason")), "")
                    + (f" — « {d.details.get('text')} »" if d.details.get("text") else "")
                    for d in disputes
                ),
            },
        )
    # The requête is dated the day the dossier is made, never on or before the notice's deadline: the
    # injonction is asked for only once the time given to the debtor has run out (RULEBOOK 4.2 item 7).
    deadline = notice.deadline
    letter_date = ctx.letter_date
    if deadline and letter_date <= deadline:
        letter_date = deadline + dt.timedelta(days=1)
    ctx = replace(
        ctx,
        letter_date=letter_date,
        exhibits=tuple(exhibits),
        notice_date=notice.sent_on or ctx.notice_date,
    )
    dossier = assemble(ctx)
    store.put(pdf_key, dossier.merged_pdf, "application/pdf")
    store.put(zip_key, dossier.zip_bytes, "application/zip")
    result = DossierResult(
        pdf_key,
        zip_key,
        hashlib.sha256(dossier.merged_pdf).hexdigest(),
        hashlib.sha256(dossier.zip_bytes).hexdigest(),
    )
    from chalicelib.documents.letters import court
    from chalicelib.domain.assignment import departement_of

    competent = court(ctx)
    court_name = competent.name
    prescription = dict(ctx.assessment.get("prescription") or {})
    claims.transition(
        claim_id,
        ClaimStatus.DOSSIER_READY,
        actor="plateforme",
        reason=f"Dossier d'injonction de payer constitué ({len(exhibits)} pièces)",
        document_hashes={"dossier_pdf": result.sha256_pdf, "dossier_zip": result.sha256_zip},
        change=lambda c: replace(
            c,
            task_token="",
            notice=(c.notice or NoticeRecord()).with_fields(
                dossier=DossierRecord(
                    pdf_key=pdf_key,
                    zip_key=zip_key,
                    sha256_pdf=result.sha256_pdf,
                    sha256_zip=result.sha256_zip,
                    assembled_at=now.isoformat(),
                    exhibits=len(exhibits),
                    # What the lawyers' assignment and portal read (chalicelib/services/lawyers/).
                    court_name=court_name,
                    court_kind=competent.kind,
                    departement=departement_of(ctx.debtor.address.postal_code),
                    amount_claimed=str(ctx.total),
                    urgent=ctx.urgent,
                    lawyer_review=ctx.lawyer_review,
                    prescription_end=(
                        dt.date.fromisoformat(str(prescription["last_day"]))
                        if prescription.get("last_day")
                        else None
                    ),
                )
            ),
        ),
        notify=Notification("dossier_ready", {"court_name": court_name}),
        now=now,
    )
    return result


def _invoice_dates(claim: Claim) -> dict[str, str]:
    """Invoice number → issue date (ISO), from the claim's content."""
    invoices = (claim.content or {}).get("invoices") or []
    return {str(i.get("number", "")): str(i.get("issue_date", "")) for i in invoices if i.get("issue_date")}


def _invoice_date_of(document: Any, dates: dict[str, str]) -> str:
    """The bordereau gives each invoice's date: the invoice whose number the file's title or name carries,
    or the only invoice of the claim."""
    label = f"{document.title or ''} {document.filename or ''}"
    for number, issued in dates.items():
        if number and number in label:
            return issued
    return next(iter(dates.values())) if len(dates) == 1 else ""


def _debtor_disputes(claim_id: str) -> list[Any]:
    """What the debtor contested from their page (chalicelib/services/debtor_declarations.py)."""
    from chalicelib.adapters.debtor_declarations import DebtorDeclarations

    return [d for d in DebtorDeclarations().of_claim(claim_id) if d.kind == "dispute"]
