"""Request and response bodies of the lawyers' portal (prefix /v1/lawyer) and of the operator's
assignment retry. Responses in French labels, dates ISO, amounts as decimal strings."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, Literal

from pydantic import BaseModel, Field

from chalicelib.api.claim_schemas import Body, ReviewView, TimelineEventView
from chalicelib.domain.claim import STATUS_LABELS_FR, AuditEvent, Claim, ClaimStatus, EventKind
from chalicelib.domain.input_bounds import Day


# --- requests -----------------------------------------------------------------------------------------
class DeclineBody(Body):
    reason: str = Field(default="", max_length=1000, description="Motif (conflit d'intérêts, charge…)")


class ReviewBody(Body):
    decision: Literal["approve", "refuse"] = Field(
        description="approve : la mise en demeure peut partir ; refuse : la créance est refusée et remboursée"
    )
    note: str = Field(
        default="",
        max_length=2000,
        description="Observation (accord) ou motif du refus, transmis au créancier ; requis pour un refus",
    )


class LinkBody(Body):
    document: Literal["pdf", "zip"] = Field(description="pdf : dossier complet fusionné ; zip : archive")


class FilingBody(Body):
    court: str = Field(min_length=1, max_length=200, description="Juridiction saisie")
    filed_on: Day = Field(description="Date du dépôt de la requête")
    reference: str = Field(default="", max_length=100, description="Numéro d'enregistrement (RG)")


class OrderBody(Body):
    outcome: Literal["granted", "partly", "rejected"] = Field(
        description="granted : accueillie ; partly : accueillie partiellement ; rejected : rejetée"
    )
    ordered_on: Day = Field(description="Date de l'ordonnance")


class ServiceBody(Body):
    served_on: Day = Field(description="Date de la signification")
    in_person: bool = Field(default=True, description="Signification faite à la personne du débiteur")


class OppositionBody(Body):
    opposed_on: Day = Field(description="Date de l'opposition")


class EnforcementBody(Body):
    started_on: Day = Field(description="Date de la première mesure d'exécution")
    note: str = Field(default="", max_length=1000, description="Mesure engagée (saisie-attribution…)")


# --- responses ----------------------------------------------------------------------------------------
class CourtView(BaseModel):
    name: str
    kind: str


class DeadlineView(BaseModel):
    label: str
    date: dt.date
    article: str
    to_check: str = ""


class DossierView(BaseModel):
    claim_id: str
    reference: str
    status: str
    status_label: str
    creditor_name: str
    debtor_name: str
    court: CourtView
    amount_cents: int = Field(description="Montant réclamé (principal, intérêts et indemnités), en centimes")
    amount_label: str
    urgent: bool
    lawyer_review: bool
    prescription_deadline: dt.date | None
    assigned_at: dt.datetime | None
    accepted: bool
    next_deadline: DeadlineView | None
    filing: dict[str, Any] | None = None
    order: dict[str, Any] | None = None
    service: dict[str, Any] | None = None
    opposition: dict[str, Any] | None = None
    enforcement: dict[str, Any] | None = None
    review: ReviewView | None = Field(
        default=None, description="Revue avant mise en demeure : motifs et décision (statut lawyer_review)"
    )


class DossierDetailView(DossierView):
    actions: list[str]
    timeline: list[TimelineEventView]


class DossierListView(BaseModel):
    dossiers: list[DossierView]
    next_cursor: str | None = Field(default=None, description="Paramètre cursor de la suite ; null : fin")


class LinkView(BaseModel):
    url: str = Field(description="Lien de téléchargement temporaire")
    expires_at: dt.datetime
    filename: str


# The portal's next possible steps, by status.
ACTIONS: dict[ClaimStatus, list[str]] = {
    ClaimStatus.LAWYER_REVIEW: ["approve", "refuse"],
    ClaimStatus.DOSSIER_READY: ["accept", "decline", "download"],
    ClaimStatus.WITH_LAWYER: ["download", "filing"],
    ClaimStatus.FILED: ["download", "order"],
    ClaimStatus.ORDER_GRANTED: ["download", "service"],
    ClaimStatus.ORDER_REJECTED: ["download"],
    ClaimStatus.SERVED: ["download", "opposition", "enforcement"],
    ClaimStatus.OPPOSED: ["download", "enforcement"],
    ClaimStatus.ENFORCEMENT: ["download"],
}


def dossier_view(claim: Claim, *, creditor_name: str, today: dt.date) -> DossierView:
    from chalicelib.documents.formatting import euros
    from chalicelib.domain.payments import euros as cents_to_euros
    from chalicelib.services.lawyers import case_of, dossier_info, next_deadline

    dossier = dossier_info(claim)
    case = case_of(claim)
    assessed = claim.assessment or {}
    route = assessed.get("route") or {}
    in_review = claim.status is ClaimStatus.LAWYER_REVIEW
    amount = str(
        dossier.amount_claimed
        or (in_review and (assessed.get("amounts") or {}).get("total"))
        or cents_to_euros(claim.principal_cents)
    )
    cents = int((Decimal(amount) * 100).to_integral_value())
    deadline = next_deadline(claim, today)
    prescription = dossier.prescription_end or (
        in_review and (assessed.get("prescription") or {}).get("last_day")
    )
    return DossierView(
        claim_id=claim.claim_id,
        reference=claim.reference or claim.claim_id,
        status=claim.status.value,
        status_label=STATUS_LABELS_FR[claim.status],
        creditor_name=creditor_name,
        debtor_name=claim.debtor_name,
        court=CourtView(
            name=str(dossier.court_name or route.get("court_name") or "Juridiction à déterminer"),
            kind=str(dossier.court_kind or route.get("court_kind") or ""),
        ),
        amount_cents=cents,
        amount_label=euros(amount),
        urgent=dossier.urgent,
        lawyer_review=dossier.lawyer_review or in_review,
        prescription_deadline=dt.date.fromisoformat(str(prescription)) if prescription else None,
        assigned_at=case.assigned_at,
        accepted=claim.status not in {ClaimStatus.DOSSIER_READY, ClaimStatus.LAWYER_REVIEW},
        next_deadline=(
            DeadlineView(
                label=deadline.label,
                date=deadline.last_day,
                article=deadline.article,
                to_check=deadline.to_check,
            )
            if deadline
            else None
        ),
        **case.steps_json(),
        review=ReviewView.of(claim) if claim.review else None,
    )


def dossier_detail(
    claim: Claim, events: list[AuditEvent], *, creditor_name: str, today: dt.date
) -> DossierDetailView:
    base = dossier_view(claim, creditor_name=creditor_name, today=today)
    return DossierDetailView(
        **base.model_dump(),
        actions=ACTIONS.get(claim.status, []),
        timeline=[lawyer_event(event) for event in events if event.kind not in _NOT_FOR_LAWYERS],
    )


# What the creditor paid the platform, and how the platform chose among lawyers, is not the lawyer's
# business (issue 24): the payment and refund events are left out of their timeline, the assignment's
# reasoning out of its event.
_NOT_FOR_LAWYERS = frozenset({EventKind.PAYMENT, EventKind.REFUND})


def lawyer_event(event: AuditEvent) -> TimelineEventView:
    view = TimelineEventView.of(event)
    if view.summary.startswith("Dossier attribué à l'avocat partenaire"):
        view = view.model_copy(update={"summary": view.summary.split(" — ", 1)[0]})
    return view
