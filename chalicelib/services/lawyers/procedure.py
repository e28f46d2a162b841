"""What the lawyer records after filing: the requête, the order, its service, opposition, enforcement."""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from chalicelib.domain.accounts import Identity
from chalicelib.domain.claim import Claim, ClaimStatus
from chalicelib.domain.errors import InvalidInput, InvalidTransition
from chalicelib.domain.lawyer_case import (
    OUTCOME_LABELS_FR,
    Enforcement,
    Filing,
    LawyerCase,
    Opposition,
    Order,
    OrderOutcome,
    Service,
)
from chalicelib.domain.notifications import Notification
from chalicelib.legal.procedure import (
    opposition_deadline,
    service_deadline,
)
from chalicelib.services.lawyers.common import case_of, dossier_info
from chalicelib.services.lawyers.reminders import schedule_reminders
from chalicelib.services.ports import WorkflowEngine
from chalicelib.settings import PARIS

if TYPE_CHECKING:
    from chalicelib.adapters.claims_repository import ClaimRepository

logger = logging.getLogger("claims.lawyers")


# ---------------------------------------------------------------------------------------------------
# after filing
# ---------------------------------------------------------------------------------------------------
def _check_day(day: dt.date, *, today: dt.date, not_before: dt.date | None, what: str, field: str) -> None:
    if day > today:
        raise InvalidInput(f"La date {what} ne peut pas être dans le futur.", field=field)
    if not_before is not None and day < not_before:
        raise InvalidInput(
            f"La date {what} ne peut pas précéder le {not_before.strftime('%d/%m/%Y')}.", field=field
        )


def _lawyer_claim(
    claims: ClaimRepository, identity: Identity, claim_id: str, *statuses: ClaimStatus
) -> Claim:
    claim = claims.get_for(identity, claim_id)
    if claim.status not in statuses:
        raise InvalidTransition(
            f"Cette étape ne peut pas être enregistrée maintenant (statut actuel : {claim.status.value})."
        )
    return claim


def _advance(
    claims: ClaimRepository,
    claim: Claim,
    identity: Identity,
    target: ClaimStatus,
    case: LawyerCase,
    *,
    reason: str,
    notify: Notification,
    now: dt.datetime,
) -> Claim:
    """Move a lawyer's dossier to ``target`` with its updated lawyer case, written only on the version
    the lawyer's request read (a concurrent change is a 409, never overwritten)."""
    return claims.transition(
        claim.claim_id,
        target,
        actor=identity.user_id,
        reason=reason,
        change=lambda c: replace(c, lawyer_case=case.as_json()),
        notify=notify,
        expected_version=claim.version,
        now=now,
    )


def record_filing(
    claims: ClaimRepository,
    identity: Identity,
    claim_id: str,
    *,
    court: str,
    filed_on: dt.date,
    reference: str,
    today: dt.date,
    now: dt.datetime,
) -> Claim:
    claim = _lawyer_claim(claims, identity, claim_id, ClaimStatus.WITH_LAWYER)
    case = case_of(claim)
    assembled = dossier_info(claim).assembled_at
    not_before = dt.datetime.fromisoformat(assembled).astimezone(PARIS).date() if assembled else None
    _check_day(
        filed_on,
        today=today,
        not_before=min(not_before, today) if not_before else None,
        what="de dépôt",
        field="filed_on",
    )
    filed = replace(case, filing=Filing(court.strip(), filed_on, reference.strip()))
    context: dict[str, Any] = {"filed_on": filed_on, "court_name": court.strip()}
    if reference.strip():
        context["court_reference"] = reference.strip()
    return _advance(
        claims,
        claim,
        identity,
        ClaimStatus.FILED,
        filed,
        reason=f"Requête déposée le {filed_on.strftime('%d/%m/%Y')} ({court.strip()})"
        + (f", n° {reference.strip()}" if reference.strip() else ""),
        notify=Notification("filed", context),
        now=now,
    )


def record_order(
    claims: ClaimRepository,
    identity: Identity,
    claim_id: str,
    *,
    outcome: OrderOutcome,
    ordered_on: dt.date,
    today: dt.date,
    now: dt.datetime,
    scheduler: WorkflowEngine | None,
) -> Claim:
    claim = _lawyer_claim(claims, identity, claim_id, ClaimStatus.FILED)
    case = case_of(claim)
    filed_on = case.filing.filed_on if case.filing else None
    _check_day(ordered_on, today=today, not_before=filed_on, what="de l'ordonnance", field="ordered_on")
    order = Order(outcome, ordered_on)
    updated_case = replace(case, order=order)
    court = case.filing.court if case.filing else ""
    label = OUTCOME_LABELS_FR[outcome]
    reason = f"Ordonnance du {ordered_on.strftime('%d/%m/%Y')} : {label}"
    if not order.granted:
        context: dict[str, Any] = {"ordered_on": ordered_on}
        if court:
            context["court_name"] = court
        return _advance(
            claims,
            claim,
            identity,
            ClaimStatus.ORDER_REJECTED,
            updated_case,
            reason=reason,
            notify=Notification("order_rejected", context),
            now=now,
        )
    deadline = service_deadline(ordered_on)
    context = {
        "ordered_on": ordered_on,
        "outcome_label": label,
        "service_deadline": deadline.last_day,
        "partly": outcome == "partly",
    }
    if court:
        context["court_name"] = court
    updated = _advance(
        claims,
        claim,
        identity,
        ClaimStatus.ORDER_GRANTED,
        updated_case,
        reason=f"{reason} — à signifier au plus tard le {deadline.last_day.strftime('%d/%m/%Y')} "
        f"({deadline.article})",
        notify=Notification("order_granted", context),
        now=now,
    )
    schedule_reminders(scheduler, updated, deadline, today=today)
    return updated


def record_service(
    claims: ClaimRepository,
    identity: Identity,
    claim_id: str,
    *,
    served_on: dt.date,
    in_person: bool,
    today: dt.date,
    now: dt.datetime,
    scheduler: WorkflowEngine | None,
) -> Claim:
    claim = _lawyer_claim(claims, identity, claim_id, ClaimStatus.ORDER_GRANTED)
    case = case_of(claim)
    ordered_on = case.order.ordered_on if case.order else None
    _check_day(served_on, today=today, not_before=ordered_on, what="de signification", field="served_on")
    updated_case = replace(case, service=Service(served_on, in_person))
    deadline = opposition_deadline(served_on, in_person=in_person)
    context: dict[str, Any] = {"served_on": served_on, "opposition_deadline": deadline.last_day}
    if deadline.to_check:
        context["to_check"] = deadline.to_check
    late = ""
    if case.order is not None and served_on > service_deadline(case.order.ordered_on).last_day:
        late = " — ATTENTION : après le délai de 6 mois de l'article 1411 du CPC"
    updated = _advance(
        claims,
        claim,
        identity,
        ClaimStatus.SERVED,
        updated_case,
        reason=f"Ordonnance signifiée le {served_on.strftime('%d/%m/%Y')}"
        + (" à personne" if in_person else " (pas à personne)")
        + f", opposition possible jusqu'au {deadline.last_day.strftime('%d/%m/%Y')} "
        f"({deadline.article}){late}",
        notify=Notification("served", context),
        now=now,
    )
    schedule_reminders(scheduler, updated, deadline, today=today)
    return updated


def record_opposition(
    claims: ClaimRepository,
    identity: Identity,
    claim_id: str,
    *,
    opposed_on: dt.date,
    today: dt.date,
    now: dt.datetime,
) -> Claim:
    claim = _lawyer_claim(claims, identity, claim_id, ClaimStatus.SERVED)
    case = case_of(claim)
    served_on = case.service.served_on if case.service else None
    _check_day(opposed_on, today=today, not_before=served_on, what="de l'opposition", field="opposed_on")
    updated_case = replace(case, opposition=Opposition(opposed_on))
    return _advance(
        claims,
        claim,
        identity,
        ClaimStatus.OPPOSED,
        updated_case,
        reason=f"Opposition du débiteur formée le {opposed_on.strftime('%d/%m/%Y')}",
        notify=Notification("opposed", {"opposed_on": opposed_on}),
        now=now,
    )


def record_enforcement(
    claims: ClaimRepository,
    identity: Identity,
    claim_id: str,
    *,
    started_on: dt.date,
    note: str,
    today: dt.date,
    now: dt.datetime,
) -> Claim:
    claim = _lawyer_claim(claims, identity, claim_id, ClaimStatus.SERVED, ClaimStatus.OPPOSED)
    case = case_of(claim)
    served_on = case.service.served_on if case.service else None
    _check_day(started_on, today=today, not_before=served_on, what="d'exécution", field="started_on")
    updated_case = replace(case, enforcement=Enforcement(started_on, note.strip()))
    context: dict[str, Any] = {"started_on": started_on}
    if note.strip():
        context["enforcement_note"] = note.strip()
    return _advance(
        claims,
        claim,
        identity,
        ClaimStatus.ENFORCEMENT,
        updated_case,
        reason=f"Exécution forcée engagée le {started_on.strftime('%d/%m/%Y')}"
        + (f" : {note.strip()}" if note.strip() else ""),
        notify=Notification("enforcement_started", context),
        now=now,
    )
