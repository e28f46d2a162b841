"""Assignment of a ready dossier (the escalation's AssignLawyer task, or an operator's retry)."""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from chalicelib.domain.accounts import Role
from chalicelib.domain.assignment import Candidate, choose_lawyer
from chalicelib.domain.claim import Claim, ClaimStatus, EventKind
from chalicelib.domain.lawyer_case import (
    DECLINE_LABELS_FR,
)
from chalicelib.domain.notice_record import DossierRecord
from chalicelib.domain.notifications import Notification
from chalicelib.domain.payments import euros
from chalicelib.services.lawyers.common import (
    OPEN_STATUSES,
    PLATFORM,
    Resume,
    case_of,
    dossier_info,
    lawyer_name,
    portal_url,
)
from chalicelib.services.lawyers.links import _unshare
from chalicelib.services.ports import (
    DocumentStore,
    LawyerDirectory,
)

if TYPE_CHECKING:
    from chalicelib.adapters.claims_repository import ClaimRepository

logger = logging.getLogger("claims.lawyers")


# ---------------------------------------------------------------------------------------------------
# assignment (the escalation's AssignLawyer task, or an operator's retry)
# ---------------------------------------------------------------------------------------------------
def candidates(lawyers: LawyerDirectory, claims: ClaimRepository) -> list[Candidate]:
    """Every lawyer account as the assignment rule sees it, with their open dossiers counted."""
    found = []
    for account in lawyers.list_by_role(Role.LAWYER):
        profile = account.lawyer
        if profile is None:
            continue
        assigned = claims.assigned_to(account.user_id)
        open_dossiers = [c for c in assigned if c.status in OPEN_STATUSES]
        moments = [at for at in (case_of(c).assigned_at for c in assigned) if at is not None]
        last = max(moments, default=None)
        found.append(
            Candidate(
                lawyer_id=account.user_id,
                name=profile.name,
                active=profile.active,
                courts=profile.courts,
                departements=profile.departements,
                capacity=profile.capacity,
                open_dossiers=len(open_dossiers),
                last_assigned_at=last,
            )
        )
    return found


def assign(
    claims: ClaimRepository,
    lawyers: LawyerDirectory,
    claim_id: str,
    *,
    task_token: str,
    resume: Resume | None,
    base_url: str,
    now: dt.datetime,
    store: DocumentStore | None = None,
    again: bool = False,
) -> str:
    """Entrust a ready dossier to the lawyer the rule picks (or say why no one can take it, and alert the
    operators). ``task_token``: the escalation's waiting task, answered when the lawyer decides.
    Idempotent: a retried task with the same token changes nothing. Entered again after the 7-day
    timeout, the lawyer who did not answer is left out and the dossier goes to the next one. ``again``:
    an operator's retry of a dossier that waits for want of a lawyer (same token, new attempt)."""
    claim = claims.get(claim_id)
    case = case_of(claim)
    if claim.status is not ClaimStatus.DOSSIER_READY:
        # Accepted meanwhile (its answer to the old token was lost), settled, withdrawn…: this
        # execution's work is done.
        if resume is not None and task_token:
            _resume(resume, task_token, {"accepted": True, "status": claim.status.value})
        return claim.status.value
    handled = task_token and claim.task_token == task_token and (case.lawyer_id or case.waiting_reason)
    if handled and not (again and not case.lawyer_id):
        return "already handled"
    if case.lawyer_id and not case.accepted:
        # A new token while a lawyer holds the dossier is a resumed wait (a restart, an operator's
        # redrive), not their silence: they keep it. Their 7 days without an answer go through
        # :func:`release_unanswered` (the escalation's LawyerNoAnswer state) before this runs again.
        claims.record(
            claim_id,
            kind=EventKind.NOTE,
            actor=PLATFORM,
            reason="Reprise de l'attente de la réponse de l'avocat (le dossier lui reste confié)",
            change=lambda c: replace(c, task_token=task_token),
            expected_version=claim.version,
            now=now,
        )
        return f"resumed: still with {case.lawyer_id}"
    dossier = dossier_info(claim)
    court_name = dossier.court_name
    departement = dossier.departement
    decision = choose_lawyer(
        candidates(lawyers, claims), court_name=court_name, departement=departement, excluded=case.declined_by
    )
    if decision.lawyer_id is None:
        waiting = replace(case, waiting_reason=decision.reason)
        claims.record(
            claim_id,
            kind=EventKind.LAWYER,
            actor=PLATFORM,
            reason=f"Dossier en attente d'un avocat partenaire : {decision.reason}",
            change=lambda c: replace(
                c, assigned_lawyer_id=None, task_token=task_token, lawyer_case=waiting.as_json()
            ),
            notify=Notification(
                "operator_alert",
                {"previous_status": ClaimStatus.DOSSIER_READY.value, "error": decision.reason},
                to="operator",
            ),
            expected_version=claim.version,
            now=now,
        )
        return "waiting: " + decision.reason
    chosen = lawyers.find(decision.lawyer_id)
    profile = chosen.lawyer if chosen is not None else None
    assigned = case.assigned(
        decision.lawyer_id, now, name=lawyer_name(chosen), bar=profile.barreau if profile else ""
    )
    claims.record(
        claim_id,
        kind=EventKind.LAWYER,
        actor=PLATFORM,
        reason=f"Dossier attribué à l'avocat partenaire {lawyer_name(chosen)} — {decision.reason}",
        change=lambda c: replace(
            c, assigned_lawyer_id=decision.lawyer_id, task_token=task_token, lawyer_case=assigned.as_json()
        ),
        notify=Notification("dossier_assigned", _assigned_context(claim, dossier, base_url), to="lawyer"),
        expected_version=claim.version,
        now=now,
    )
    return f"assigned to {decision.lawyer_id}"


# [POLICY] How many lawyers may let a dossier's 7 days pass without an answer before an operator takes it
# over (needs_attention) instead of a further reassignment.
MAX_UNANSWERED = 3


class TooManyUnanswered(Exception):
    """Raised by :func:`release_unanswered` past :data:`MAX_UNANSWERED`: the escalation's catch hands the
    claim to an operator."""


def release_unanswered(
    claims: ClaimRepository, claim_id: str, *, now: dt.datetime, store: DocumentStore | None = None
) -> bool:
    """The escalation's AssignLawyer waited its 7 days with no answer: the lawyer in charge is left out
    of this dossier (their links stop working) and the next assignment picks another one. Past
    :data:`MAX_UNANSWERED` silent lawyers, :class:`TooManyUnanswered`. Idempotent."""
    claim = claims.get(claim_id)
    case = case_of(claim)
    if claim.status is not ClaimStatus.DOSSIER_READY or not case.lawyer_id or case.accepted:
        return False
    _unshare(store, claim, case.lawyer_id)
    released = case.released(now, kind="no_answer", reason="pas de réponse dans le délai")
    claims.record(
        claim_id,
        kind=EventKind.LAWYER,
        actor=PLATFORM,
        reason=(case.lawyer_name or "L'avocat") + " " + DECLINE_LABELS_FR["no_answer"],
        change=lambda c: replace(c, assigned_lawyer_id=None, lawyer_case=released.as_json()),
        expected_version=claim.version,
        now=now,
    )
    silent = sum(1 for d in released.declines if d.kind == "no_answer")
    if silent >= MAX_UNANSWERED:
        raise TooManyUnanswered(
            f"{silent} avocats partenaires n'ont pas répondu dans le délai : l'équipe attribue le dossier."
        )
    return True


def _assigned_context(claim: Claim, dossier: DossierRecord, base_url: str) -> dict[str, Any]:
    context: dict[str, Any] = {
        "court_name": dossier.court_name or "Juridiction à déterminer",
        "amount_claimed": dossier.amount_claimed or euros(claim.principal_cents),
        "urgent": dossier.urgent,
        "lawyer_review": dossier.lawyer_review,
        "portal_url": portal_url(base_url, claim.claim_id),
    }
    if dossier.prescription_end:
        context["prescription_end"] = dossier.prescription_end.isoformat()
    return context


def _resume(resume: Resume, token: str, output: dict[str, Any]) -> bool:
    """Answer a waiting task; an expired or unknown token is logged, not raised: the execution either
    timed out (and re-entered the assignment, which reads the claim) or is gone."""
    try:
        resume(token, output)
    except Exception as error:  # botocore's TaskTimedOut / InvalidToken / TaskDoesNotExist
        code = getattr(error, "response", {}).get("Error", {}).get("Code", type(error).__name__)
        if code in {"TaskTimedOut", "InvalidToken", "TaskDoesNotExist"}:
            logger.warning("task token no longer waiting (%s): %s", code, error)
            return False
        raise
    return True
