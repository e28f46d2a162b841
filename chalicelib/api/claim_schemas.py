"""Request and response models of the claims API (pydantic v2). The OpenAPI document is generated from
them (``chalicelib/api/openapi.py``), and every response is built through them, so the two cannot drift."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from chalicelib.domain.claim import (
    DOCUMENT_KIND_LABELS_FR,
    EVENT_LABELS_FR,
    STATUS_LABELS_FR,
    AuditEvent,
    Claim,
    ClaimStatus,
    DocumentKind,
    EvidenceDocument,
)
from chalicelib.domain.claim_content import ClaimContent
from chalicelib.domain.input_bounds import Day
from chalicelib.domain.notice_record import NoticeRecord
from chalicelib.domain.payments import euros
from chalicelib.domain.registered_mail import (
    CHANNEL_LABELS_FR,
    DELIVERY_LABELS_FR,
    IN_TRANSIT_FR,
    outcome_label,
)
from chalicelib.domain.totals import AGE_BUCKETS, Dashboard, oldest_due_date


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


# --- requests -----------------------------------------------------------------------------------------
class CreateClaimBody(Body):
    """A new draft: the claim's content."""

    content: ClaimContent


class UpdateClaimBody(Body):
    """Replace a draft's content. ``version`` is the one the form was loaded with (optimistic locking)."""

    version: int = Field(ge=1, description="Version lue avec la créance ; une version périmée donne 409")
    content: ClaimContent


def _cgv_version() -> Any:
    """The conditions générales de vente the creditor ticked before a payment (services/terms.py)."""
    return Field(
        default=None,
        min_length=1,
        max_length=40,
        description="Version des conditions générales de vente acceptées (celle de GET /v1/legal) ; inutile "
        "si le compte a déjà accepté la version en vigueur",
    )


class SubmitBody(Body):
    version: int | None = Field(default=None, ge=1)
    cgv_version: str | None = _cgv_version()


class CheckoutBody(Body):
    cgv_version: str | None = _cgv_version()


class WithdrawBody(Body):
    reason: str = Field(default="", max_length=1000, description="Motif du retrait")


DocumentKindName = Literal[
    "invoice",
    "purchase_order",
    "contract",
    "delivery_proof",
    "correspondence",
    "acknowledgement",
    "payment_proof",
    "other",
]


class UploadRequestBody(Body):
    filename: str = Field(min_length=1, max_length=200)
    kind: DocumentKindName = "invoice"
    content_type: Literal["application/pdf", "image/png", "image/jpeg"] = Field(
        description="Type du fichier : PDF, PNG ou JPEG"
    )
    title: str = Field(default="", max_length=200, description="Intitulé de la pièce au bordereau")
    document_date: Day | None = Field(default=None, description="Date figurant sur la pièce")

    @field_validator("filename")
    @classmethod
    def _plain_name(cls, value: str) -> str:
        name = value.replace("\\", "/").rsplit("/", 1)[-1].strip()
        if not name or name in {".", ".."}:
            raise ValueError("Le nom du fichier n'est pas valide.")
        return name


class RejectBody(Body):
    """The operator refuses a paid claim (e.g. the debtor is in liquidation): the creditor is refunded."""

    reasons: list[str] = Field(
        min_length=1, max_length=10, description="Motifs, en français, montrés au créancier"
    )


class EscalationDecisionBody(Body):
    decision: Literal["accept", "decline"] = Field(
        description="accept : payer le dossier d'injonction de payer ; decline : clôturer"
    )
    cgv_version: str | None = _cgv_version()


class DebtorPaymentBody(Body):
    date: Day = Field(description="Date du paiement reçu")
    amount: str = Field(min_length=1, max_length=30, description="Montant reçu, par exemple « 300.00 »")


class DebtorDisputeBody(Body):
    reason: str = Field(min_length=1, max_length=40, description="Motif (already_paid, not_received, …)")
    text: str = Field(default="", max_length=2000, description="Précisions du débiteur")


class DebtorPlanBody(Body):
    instalments: int = Field(ge=2, le=12, description="Nombre de mensualités (2 à 12)")
    first_date: Day = Field(description="Date de la première mensualité")


class DebtorFileBody(Body):
    filename: str = Field(min_length=1, max_length=255, description="Nom du fichier")
    content_base64: str = Field(
        min_length=1,
        max_length=7_000_000,
        description="Le fichier (PDF, PNG ou JPEG, 5 Mo au plus), en base64",
    )


class NoteBody(Body):
    note: str = Field(default="", max_length=2000, description="Précisions (montant, date, motif…)")


# --- responses ----------------------------------------------------------------------------------------
class CheckoutView(BaseModel):
    session_id: str
    step: str
    step_label: str
    amount: str = Field(description="Montant TTC en euros")
    status: str
    status_label: str
    url: str = Field(description="Page de paiement Stripe Checkout")
    created_at: dt.datetime
    paid_at: dt.datetime | None
    refunded: str

    @classmethod
    def of(cls, checkout: Any) -> CheckoutView:
        from chalicelib.domain.payments import CHECKOUT_STATUS_LABELS_FR, STEP_LABELS_FR

        return cls(
            session_id=checkout.session_id,
            step=checkout.step.value,
            step_label=STEP_LABELS_FR[checkout.step],
            amount=euros(checkout.amount_cents),
            status=checkout.status.value,
            status_label=CHECKOUT_STATUS_LABELS_FR[checkout.status],
            url=checkout.url,
            created_at=checkout.created_at,
            paid_at=checkout.paid_at,
            refunded=euros(checkout.refunded_cents),
        )


class DocumentView(BaseModel):
    document_id: str
    kind: str
    kind_label: str
    title: str
    filename: str
    status: Literal["pending", "accepted"]
    media_type: str
    size: int
    pages: int
    sha256: str
    document_date: str
    created_at: dt.datetime

    @classmethod
    def of(cls, document: EvidenceDocument) -> DocumentView:
        return cls(
            document_id=document.document_id,
            kind=document.kind.value,
            kind_label=DOCUMENT_KIND_LABELS_FR[DocumentKind(document.kind)],
            title=document.title,
            filename=document.filename,
            status="accepted" if document.accepted else "pending",
            media_type=document.media_type,
            size=document.size,
            pages=document.pages,
            sha256=document.sha256,
            document_date=document.document_date,
            created_at=document.created_at,
        )


class ClaimSummary(BaseModel):
    claim_id: str
    status: str
    status_label: str
    debtor_name: str
    principal: str = Field(description="Total TTC des factures, en euros (texte à deux décimales)")
    reference: str
    created_at: dt.datetime
    updated_at: dt.datetime
    version: int | None
    due_date: dt.date | None = Field(
        default=None,
        description="Échéance la plus ancienne des factures (leur date quand elle manque) : l'ancienneté",
    )
    notice_deadline: dt.date | None = Field(
        default=None, description="Dernier jour de paiement fixé par la mise en demeure, une fois envoyée"
    )
    letter: str | None = Field(
        default=None,
        description="Opérateur seulement : l'envoi recommandé (mode, prestataire, prix HT du prestataire)",
    )

    @classmethod
    def of(cls, claim: Claim) -> ClaimSummary:
        return cls(**_summary(claim))

    creditor: str | None = Field(
        default=None, description="Opérateur seulement : le créancier (nom et e-mail)"
    )

    @classmethod
    def for_operator(cls, claim: Claim, *, creditor: str = "") -> ClaimSummary:
        return cls(**_summary(claim), letter=_letter(claim), creditor=creditor or None)


def _letter(claim: Claim) -> str | None:
    """The registered letter as the operator needs it: channel, provider, its price (issue 23)."""
    notice = claim.notice
    if notice is None or not notice.is_sent:
        return None
    delivery = notice.delivery
    channel = "LRE" if notice.channel == "lre" else "LRAR"
    price = delivery.get("price_cents")
    if isinstance(price, int):
        cost = f"{euros(price).replace('.', ',')} € HT (prestataire)"
    else:
        from chalicelib.settings import get_settings

        settings = get_settings()
        estimate = settings.postal_price_lre_cents if channel == "LRE" else settings.postal_price_lrar_cents
        cost = (
            f"≈ {euros(estimate).replace('.', ',')} € HT (estimation)"
            if notice.provider == "maileva"
            else "—"
        )
    outcome = str(delivery.get("outcome") or "")
    return f"{channel} · {notice.provider or '—'} · {cost}" + (f" · {outcome}" if outcome else "")


def _summary(claim: Claim) -> dict[str, Any]:
    return {
        "claim_id": claim.claim_id,
        "status": claim.status.value,
        "status_label": STATUS_LABELS_FR[claim.status],
        "debtor_name": claim.debtor_name,
        "principal": euros(claim.principal_cents),
        "reference": claim.reference,
        "created_at": claim.created_at,
        "updated_at": claim.updated_at,
        "version": claim.version,
        "due_date": oldest_due_date(claim.content),
        "notice_deadline": claim.notice.deadline if claim.notice else None,
    }


class ClaimLawyerView(BaseModel):
    """The partner lawyer's side as the creditor sees it (no other lawyer's name, no refusal history)."""

    name: str | None = Field(description="L'avocat qui a accepté le dossier (après son acceptation)")
    barreau: str | None
    accepted: bool
    waiting_reason: str = Field(description="Pourquoi aucun avocat n'a encore le dossier, le cas échéant")
    filing: dict[str, Any] | None
    order: dict[str, Any] | None
    service: dict[str, Any] | None
    opposition: dict[str, Any] | None
    enforcement: dict[str, Any] | None
    next_deadline: dict[str, Any] | None = Field(
        description="Prochain délai de procédure : label, date (dernier jour), article, to_check"
    )

    @classmethod
    def of(cls, claim: Claim) -> ClaimLawyerView | None:
        from chalicelib.domain.lawyer_case import LawyerCase

        if not claim.lawyer_case:
            return None
        case = LawyerCase.from_json(claim.lawyer_case)
        deadlines = case.deadlines()
        deadline = deadlines[0] if deadlines else None
        return cls(
            name=case.lawyer_name or None if case.accepted else None,
            barreau=case.lawyer_bar or None if case.accepted else None,
            accepted=case.accepted,
            waiting_reason=case.waiting_reason,
            **case.steps_json(),
            next_deadline=(
                {
                    "label": deadline.label,
                    "date": deadline.last_day.isoformat(),
                    "article": deadline.article,
                    "to_check": deadline.to_check,
                }
                if deadline
                else None
            ),
        )


class ReviewReasonView(BaseModel):
    code: str
    message: str
    article: str = ""


class ReviewView(BaseModel):
    """A partner lawyer's review before any letter (prescription at risk…): why, who, and the decision."""

    required: bool = Field(description="Un avocat partenaire doit examiner la créance avant tout envoi")
    reasons: list[ReviewReasonView]
    lawyer_name: str = ""
    decision: Literal["", "approved", "refused"] = ""
    decided_at: dt.datetime | None = None
    note: str = Field(default="", description="Observation ou motif de refus de l'avocat")
    prescription: dict[str, Any] = Field(
        default_factory=dict, description="Statut et derniers jours pour agir (bas et haut) selon le moteur"
    )
    invoices: list[dict[str, Any]] = Field(default_factory=list, description="Factures déclarées")
    acknowledgements: list[dict[str, Any]] = Field(
        default_factory=list, description="Reconnaissances de dette déclarées (interruption, C. civ. 2240)"
    )

    @classmethod
    def of(cls, claim: Claim) -> ReviewView | None:
        from chalicelib.services.lawyers import lawyer_name
        from chalicelib.services.review import review_reasons

        review = dict(claim.review or {})
        reasons = review.get("reasons") or review_reasons(claim.assessment)
        if not review and not reasons:
            return None
        decided = review.get("decided_at")
        prescription = dict((claim.assessment or {}).get("prescription") or {})
        content = dict(claim.content or {})
        return cls(
            required=True,
            reasons=[ReviewReasonView(**r) for r in reasons],
            lawyer_name=str(review.get("lawyer_name") or "")
            or (lawyer_name(None) if review.get("lawyer_id") else ""),
            decision=review.get("decision") or "",
            decided_at=dt.datetime.fromisoformat(decided) if decided else None,
            note=str(review.get("note") or ""),
            prescription={
                key: prescription[key]
                for key in ("status", "last_day", "last_day_late", "urgent")
                if prescription.get(key) is not None
            },
            invoices=[
                {
                    key: inv.get(key)
                    for key in ("number", "issue_date", "performance_date", "due_date", "amount_ttc")
                }
                for inv in content.get("invoices") or []
            ],
            acknowledgements=list(content.get("acknowledgements") or []),
        )


class ClaimView(ClaimSummary):
    editable: bool
    content: dict[str, Any] | None = Field(description="Le contenu de la créance (voir ClaimContent)")
    documents: list[DocumentView]
    assessment: dict[str, Any] | None = Field(description="Dernier pré-contrôle enregistré (à la soumission)")
    payable: bool = Field(description="Un paiement est attendu (POST /v1/claims/{id}/checkout)")
    checkouts: list[CheckoutView]
    notice: NoticeView | None = Field(default=None, description="La mise en demeure, une fois préparée")
    lawyer: ClaimLawyerView | None = Field(
        default=None,
        description="L'avocat partenaire et la procédure après le dépôt, une fois le dossier prêt",
    )
    review: ReviewView | None = Field(
        default=None, description="La revue par un avocat partenaire avant tout envoi, quand elle est requise"
    )
    stages: dict[str, Any] = Field(
        default_factory=dict,
        description="Les étapes de la créance : l'étape en cours et sa date, la suivante et son échéance",
    )

    @classmethod
    def of(cls, claim: Claim) -> ClaimView:
        from chalicelib.domain.stages import tracker

        return cls(
            stages=tracker(claim),
            **_summary(claim),
            editable=claim.status is ClaimStatus.DRAFT,
            content=dict(claim.content) if claim.content is not None else None,
            documents=[DocumentView.of(d) for d in claim.documents],
            assessment=dict(claim.assessment) if claim.assessment is not None else None,
            payable=claim.status in {ClaimStatus.AWAITING_PAYMENT, ClaimStatus.ESCALATION_OFFERED},
            checkouts=[CheckoutView.of(c) for c in claim.checkouts],
            notice=NoticeView.of(claim.claim_id, claim.notice) if claim.notice else None,
            lawyer=ClaimLawyerView.of(claim),
            review=ReviewView.of(claim),
        )


class ClaimList(BaseModel):
    claims: list[ClaimSummary]
    next_cursor: str | None = Field(
        default=None,
        description="Paramètre cursor de la page suivante ; null : dernière page",
    )


class TotalRow(BaseModel):
    key: str
    label: str
    count: int
    amount: str = Field(description="Principal total, en euros (texte à deux décimales)")


class DashboardView(BaseModel):
    """A creditor's totals by status and aged balance, kept up to date by every claim write."""

    as_of: dt.date
    count: int
    amount: str
    open_count: int
    open_amount: str
    by_status: list[TotalRow] = Field(description="Par statut, les plus nombreux d'abord")
    aged: list[TotalRow] = Field(description="Balance âgée des créances ouvertes, par ancienneté")

    @classmethod
    def of(cls, figures: Dashboard, today: dt.date) -> DashboardView:
        statuses = sorted(figures.by_status.items(), key=lambda item: (-item[1][0], item[0].value))
        return cls(
            as_of=today,
            count=figures.total[0],
            amount=euros(figures.total[1]),
            open_count=figures.open[0],
            open_amount=euros(figures.open[1]),
            by_status=[
                TotalRow(key=status.value, label=STATUS_LABELS_FR[status], count=count, amount=euros(cents))
                for status, (count, cents) in statuses
            ],
            aged=[
                TotalRow(key=key, label=label, count=figures.aged[key][0], amount=euros(figures.aged[key][1]))
                for key, label, _ in AGE_BUCKETS
            ],
        )


class UploadSlotView(BaseModel):
    document: DocumentView
    upload: dict[str, Any] = Field(
        description="Formulaire S3 pré-signé : url et champs à envoyer avec le fichier"
    )
    max_bytes: int
    message: str


class ConfirmedUploadView(BaseModel):
    document: DocumentView
    prefill: dict[str, Any] | None = Field(
        description="Champs lus dans la facture (Factur-X, ou texte du PDF à vérifier) ; null si aucun"
    )
    claim: ClaimView


class BlockerView(BaseModel):
    code: str
    message: str
    article: str
    invoice: str | None = Field(
        default=None, description="Numéro de la facture concernée (facture non encore exigible…)"
    )


class PrecheckView(BaseModel):
    claim_id: str
    can_submit: bool
    blockers: list[BlockerView]
    as_of: str
    complete: bool
    prescription: dict[str, Any]
    amounts: dict[str, Any]
    route: dict[str, Any]
    findings: list[dict[str, Any]]
    decompte: dict[str, Any] | None
    engine: dict[str, Any]
    review: ReviewView | None = Field(
        default=None,
        description="Paiement possible, mais un avocat partenaire examinera la créance avant tout envoi",
    )


class SubmitView(BaseModel):
    claim: ClaimView
    precheck: PrecheckView
    checkout: CheckoutView | None = Field(
        description="Le paiement à effectuer ; null si Stripe n'a pas répondu"
    )
    message: str


# Internal identifiers the audit trail keeps (Stripe sessions, payment intents, refunds): not for users.
_INTERNAL_IDS = re.compile(r"\s*\((?:session|paiement|remboursement) (?:cs|pi|re|ch)_[A-Za-z0-9_]+\)")
# Stripe's id last in a parenthesis: « (Mise en demeure, re_3Q…) » → « (Mise en demeure) ».
_TRAILING_IDS = re.compile(r",\s*(?:cs|pi|re|ch|in)_[A-Za-z0-9_]+(?=\))")


def user_words(reason: str) -> str:
    """The event's reason as a person reads it: the internal identifiers left out (the audit keeps them)."""
    return _TRAILING_IDS.sub("", _INTERNAL_IDS.sub("", reason)).strip()


class TimelineEventView(BaseModel):
    sequence: int
    at: dt.datetime
    kind: str
    kind_label: str
    actor: str
    from_status: str | None
    to_status: str
    to_status_label: str
    reason: str
    summary: str = Field(
        default="", description="La raison en mots du créancier (sans identifiants internes) : à afficher"
    )
    document_hashes: dict[str, str]
    prev_hash: str
    hash: str

    @classmethod
    def of(cls, event: AuditEvent) -> TimelineEventView:
        return cls(
            sequence=event.sequence,
            at=event.at,
            kind=event.kind.value,
            kind_label=EVENT_LABELS_FR[event.kind],
            actor=event.actor,
            from_status=event.from_status.value if event.from_status else None,
            to_status=event.to_status.value,
            to_status_label=STATUS_LABELS_FR[event.to_status],
            reason=event.reason,
            summary=user_words(event.reason),
            document_hashes=dict(event.document_hashes),
            prev_hash=event.prev_hash,
            hash=event.hash,
        )


class TimelineView(BaseModel):
    claim_id: str
    events: list[TimelineEventView]
    next_cursor: str | None = Field(default=None, description="Paramètre cursor de la suite ; null : fin")


class ChainCheckView(BaseModel):
    claim_id: str
    valid: bool
    events: int
    broken_at: int | None
    reason: str


class ErrorDetail(BaseModel):
    field: str
    message: str


class ErrorInfo(BaseModel):
    code: str = Field(description="Code stable, lisible par une machine")
    message: str = Field(description="Message en français")
    field: str | None = None
    details: list[ErrorDetail] | None = None


class ErrorBody(BaseModel):
    error: ErrorInfo


class ImportView(BaseModel):
    import_id: str
    filename: str
    status: str
    status_label: str
    percent: int = Field(description="Avancement global, de 0 à 100")
    total_lines: int
    lines_read: int
    drafts_total: int
    drafts_created: int
    lines_rejected: int
    error: str | None
    report: dict[str, Any] | None = Field(description="Rapport ligne à ligne, une fois l'import terminé")
    created_at: dt.datetime
    updated_at: dt.datetime

    @classmethod
    def of(cls, job: Any) -> ImportView:
        from chalicelib.domain.imports import IMPORT_STATUS_LABELS_FR

        return cls(
            import_id=job.import_id,
            filename=job.filename,
            status=job.status.value,
            status_label=IMPORT_STATUS_LABELS_FR[job.status],
            percent=job.percent,
            total_lines=job.total_lines,
            lines_read=job.lines_read,
            drafts_total=job.drafts_total,
            drafts_created=job.drafts_created,
            lines_rejected=job.lines_rejected,
            error=job.error,
            report=dict(job.report) if job.report is not None else None,
            created_at=job.created_at,
            updated_at=job.updated_at,
        )


class ImportList(BaseModel):
    imports: list[ImportView]
    next_cursor: str | None = Field(default=None, description="Paramètre cursor de la suite ; null : fin")


# --- the mise en demeure (chalicelib/api/notices.py) -----------------------------------------------------
class NoticePresentationBody(Body):
    """The registered letter's tracking number and its first presentation (avis de réception, La Poste's
    tracking): the payment deadline is computed again from that date."""

    tracking_number: str = Field(
        min_length=1, max_length=40, description="Numéro de suivi de la lettre recommandée (ex. 1A…)"
    )
    first_presented_on: Day = Field(description="Date de première présentation au débiteur")


class DeliveryEventView(BaseModel):
    kind: str = Field(
        description="dispatched, first_presented, delivered, refused, not_claimed, undeliverable"
    )
    kind_label: str = Field(default="", description="L'événement, en français")
    on: dt.date
    label: str = Field(default="", description="Le libellé du prestataire")

    @classmethod
    def all_of(cls, delivery: Mapping[str, Any]) -> list[DeliveryEventView]:
        """The provider's events recorded on a notice (``NoticeRecord.delivery``), oldest first."""
        return [
            cls(
                kind=str(e["kind"]),
                kind_label=DELIVERY_LABELS_FR.get(str(e["kind"]), str(e["kind"])),
                on=e["on"],
                label=str(e.get("label") or ""),
            )
            for e in delivery.get("events") or []
            if e.get("kind") and e.get("on")
        ]


class DeliveryProofView(BaseModel):
    kind: str = Field(description="deposit, receipt, refusal, not_claimed ou undelivered")
    title: str
    sha256: str


class DeliveryView(BaseModel):
    """What the registered-mail provider reported (issue 23); proofs at ``/notice/proofs/{kind}``."""

    channel_reason: str = Field(default="", description="Pourquoi ce mode d'envoi (règle appliquée)")
    outcome: str = Field(
        default="", description="delivered, refused, not_claimed, undeliverable ; vide : en cours"
    )
    outcome_label: str = Field(default=IN_TRANSIT_FR, description="Le suivi, en français")
    events: list[DeliveryEventView] = Field(default_factory=list)
    proofs: list[DeliveryProofView] = Field(default_factory=list)

    @classmethod
    def of(cls, data: Mapping[str, Any]) -> DeliveryView:
        reasons = (data.get("choice") or {}).get("reasons") or []
        return cls(
            channel_reason=str(reasons[0].get("message") or "") if reasons else "",
            outcome=str(data.get("outcome") or ""),
            outcome_label=outcome_label(str(data.get("outcome") or "")),
            events=DeliveryEventView.all_of(data),
            proofs=[
                DeliveryProofView(
                    kind=str(p["kind"]), title=str(p.get("title") or ""), sha256=str(p["sha256"])
                )
                for p in data.get("proofs") or []
                if p.get("kind") and p.get("sha256")
            ],
        )


class NoticeView(BaseModel):
    """The formal notice as recorded on the claim (storage keys are not shown: see ``/notice/pdf``)."""

    claim_id: str
    status: str = Field(description="prepared : lettre préparée ; sent : lettre envoyée")
    letter_date: dt.date | None = None
    reference: str | None = None
    channel: str | None = Field(default=None, description="lrar ou lre")
    channel_label: str | None = Field(default=None, description="Le mode d'envoi, en français")
    provider: str | None = Field(default=None, description="local (simulation), manual, ou le prestataire")
    tracking_number: str = ""
    sent_on: dt.date | None = None
    first_presented_on: dt.date | None = None
    presentation_source: str | None = Field(
        default=None, description="simulated, provider, creditor ou operator ; vide si inconnue"
    )
    payment_days: int | None = None
    deadline: dt.date | None = Field(default=None, description="Dernier jour pour payer")
    deadline_at: str | None = Field(default=None, description="Fin de ce jour (Europe/Paris), en UTC")
    deadline_basis: str | None = Field(
        default=None, description="first_presentation, ou allowance (présentation supposée)"
    )
    amount_claimed: str | None = Field(default=None, description="Total réclamé, en euros")
    sha256: str = ""
    emailed_to: str | None = None
    delivery: DeliveryView | None = Field(default=None, description="Suivi du prestataire de l'envoi")
    returned_letters: int = Field(default=0, description="Lettres revenues non distribuables, déjà renvoyées")

    @classmethod
    def of(cls, claim_id: str, notice: NoticeRecord) -> NoticeView:
        shown = set(cls.model_fields) - {
            "claim_id",
            "status",
            "tracking_number",
            "sha256",
            "delivery",
            "returned_letters",
            "channel_label",
        }
        values = {name: getattr(notice, name) for name in shown}
        return cls(
            claim_id=claim_id,
            channel_label=CHANNEL_LABELS_FR.get(notice.channel) if notice.channel else None,
            status=notice.status,
            tracking_number=notice.tracking_number,
            sha256=notice.sha256,
            delivery=DeliveryView.of(notice.delivery) if notice.delivery else None,
            returned_letters=len(notice.extra.get("returned") or []),
            **{name: value for name, value in values.items() if value not in (None, "", 0)},
        )


class NoticeDownloadView(BaseModel):
    url: str = Field(description="Lien de téléchargement temporaire")
    filename: str
    expires_in: int = Field(description="Validité du lien, en secondes")
    sha256: str = Field(description="Empreinte SHA-256 du PDF, inscrite dans l'historique")


class DeclarationView(BaseModel):
    """The déclaration de créance of a claim whose debtor is in collective proceedings (RULEBOOK 2.9)."""

    status: str = Field(description="absent (pas encore préparée), pending (en préparation) ou ready")
    sha256: str | None = None
    prepared_at: str | None = None
    url: str | None = Field(default=None, description="Lien de téléchargement du PDF (quelques minutes)")
