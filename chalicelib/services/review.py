"""A partner lawyer's review before any letter (RULEBOOK 1.2: a claim whose prescription is ``at_risk`` gets
"lawyer review, no automatic MED/IP"; likewise any claim the engine flags ``route.lawyer_review``).

The escalation's ``LawyerReview`` task (a callback) calls :func:`request_review` for a paid claim whose
re-check says so: the claim moves to *lawyer_review*, is given to a partner lawyer (the assignment rule
of the dossiers: court, département, capacity), the creditor is told why and the lawyer is asked. The
lawyer then :func:`approve`\\s — the claim goes back to the automatic path and the escalation sends the
notice — or :func:`refuse`\\s with a reason — the claim is rejected, the creditor refunded and told the
lawyer's reason. Nothing is sent to the debtor before the approval: the notice service checks it too
(:func:`unreviewed`).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Mapping
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from chalicelib.domain.accounts import Identity
from chalicelib.domain.actors import PLATFORM_ACTOR
from chalicelib.domain.assignment import choose_lawyer, departement_of
from chalicelib.domain.claim import Claim, ClaimStatus, EventKind
from chalicelib.domain.errors import InvalidInput, InvalidTransition
from chalicelib.domain.notifications import Notification
from chalicelib.domain.payments import euros
from chalicelib.services.lawyers import LawyerDirectory, _resume, candidates, lawyer_name, portal_url

if TYPE_CHECKING:
    from chalicelib.adapters.claims_repository import ClaimRepository

logger = logging.getLogger("claims.review")

PLATFORM = PLATFORM_ACTOR
Resume = Callable[[str, dict[str, Any]], None]
# The engine's route findings that ask for a lawyer before any automatic step (chalicelib/legal/route.py).
REVIEW_CODES = frozenset(
    {
        "lawyer_review_prescription_at_risk",
        "lawyer_now_prescription_urgent",
        "declaration_deadline_unknown",
        "declaration_deadline_overseas",
        "declaration_deadline_passed",
        "post_opening_claim",
        "international_carriage_out_of_scope",
    }
)
_GENERIC_REASON = {
    "code": "lawyer_review",
    "article": "Rulebook 1.2",
    "message": "L'analyse automatique demande qu'un avocat examine la créance avant tout envoi.",
}


def review_required(assessment: Mapping[str, Any] | None) -> bool:
    """The engine asks for a lawyer before any automatic letter."""
    if not assessment:
        return False
    route = assessment.get("route") or {}
    prescription = assessment.get("prescription") or {}
    return bool(route.get("lawyer_review")) or prescription.get("status") == "at_risk"


def review_reasons(assessment: Mapping[str, Any] | None) -> list[dict[str, str]]:
    """Why a lawyer must decide, in the engine's words (message and article), most decisive first."""
    if not review_required(assessment):
        return []
    assert assessment is not None
    reasons = [
        {
            "code": str(f.get("code", "")),
            "message": str(f.get("message", "")),
            "article": str(f.get("article", "")),
        }
        for f in assessment.get("findings") or []
        if f.get("code") in REVIEW_CODES
        or (
            f.get("part") == "route"
            and f.get("level") == "warning"
            and f.get("code") != "interest_a_parfaire"
        )
    ]
    return reasons or [dict(_GENERIC_REASON)]


def approved(claim: Claim) -> bool:
    return bool((claim.review or {}).get("decision") == "approved")


def unreviewed(claim: Claim) -> bool:
    """The claim needs a lawyer's approval it has not had: no automatic letter may leave."""
    return review_required(claim.assessment) and not approved(claim)


# ---------------------------------------------------------------------------------------------------
# the escalation's LawyerReview task
# ---------------------------------------------------------------------------------------------------
def request_review(
    claims: ClaimRepository,
    lawyers: LawyerDirectory,
    claim_id: str,
    *,
    task_token: str,
    resume: Resume | None,
    base_url: str,
    now: dt.datetime,
) -> str:
    """Hand a paid claim to a partner lawyer's review and keep the escalation waiting on ``task_token``.
    Idempotent: a retried task (same token) changes nothing; a redriven one (new token) keeps the lawyer
    and only records the new token. A claim already decided answers the task at once."""
    claim = claims.get(claim_id)
    review = dict(claim.review or {})
    if approved(claim) or claim.status not in {ClaimStatus.LAWYER_REVIEW, ClaimStatus.ASSESSING}:
        if resume is not None and task_token:
            _resume(resume, task_token, {"approved": approved(claim), "status": claim.status.value})
        return claim.status.value
    if claim.status is ClaimStatus.LAWYER_REVIEW:
        if claim.task_token == task_token:
            return "already handled"
        claims.record(
            claim_id,
            kind=EventKind.NOTE,
            actor=PLATFORM,
            reason="Reprise de l'attente de la revue par l'avocat",
            change=lambda c: replace(c, task_token=task_token),
            expected_version=claim.version,
            now=now,
        )
        return "resumed"
    reasons = review_reasons(claim.assessment)
    assessment = claim.assessment or {}
    route = assessment.get("route") or {}
    content = claim.content or {}
    postal_code = str(((content.get("debtor") or {}).get("address") or {}).get("postal_code") or "")
    decision = choose_lawyer(
        candidates(lawyers, claims),
        court_name=str(route.get("court_name") or ""),
        departement=departement_of(postal_code) if postal_code else "",
    )
    review = {
        "requested_at": now.isoformat(),
        "reasons": reasons,
        "lawyer_id": decision.lawyer_id or "",
        "waiting_reason": "" if decision.lawyer_id else decision.reason,
    }
    chosen = lawyers.find(decision.lawyer_id) if decision.lawyer_id else None
    name = lawyer_name(chosen) if chosen is not None else ""
    amounts = assessment.get("amounts") or {}
    amount = str(amounts.get("total") or euros(claim.principal_cents))
    notify: list[Notification] = [
        Notification("claim_in_review", {"reasons": reasons} | ({"lawyer_name": name} if name else {}))
    ]
    if chosen is not None:
        prescription = assessment.get("prescription") or {}
        context: dict[str, Any] = {
            "reasons": reasons,
            "amount_claimed": amount,
            "portal_url": portal_url(base_url, claim_id),
        }
        if prescription.get("last_day_late") or prescription.get("last_day"):
            context["prescription_end"] = str(prescription.get("last_day_late") or prescription["last_day"])
        notify.append(Notification("review_requested", context, to="lawyer"))
    else:
        notify.append(
            Notification(
                "operator_alert",
                {
                    "previous_status": ClaimStatus.ASSESSING.value,
                    "error": f"Revue par un avocat en attente : {decision.reason}",
                },
                to="operator",
            )
        )
    who = f"confiée à {name}" if name else f"en attente d'un avocat partenaire : {decision.reason}"
    claims.transition(
        claim_id,
        ClaimStatus.LAWYER_REVIEW,
        actor=PLATFORM,
        reason=f"Revue par un avocat avant tout envoi, {who} — " + " ; ".join(r["message"] for r in reasons),
        change=lambda c: replace(
            c, assigned_lawyer_id=decision.lawyer_id, task_token=task_token, review=review
        ),
        notify=notify,
        expected_version=claim.version,
        now=now,
    )
    return f"review by {decision.lawyer_id}" if decision.lawyer_id else "waiting: " + decision.reason


# ---------------------------------------------------------------------------------------------------
# the lawyer's decision
# ---------------------------------------------------------------------------------------------------
def _in_review(claims: ClaimRepository, identity: Identity, claim_id: str) -> Claim:
    claim = claims.get_for(identity, claim_id)
    if claim.status is not ClaimStatus.LAWYER_REVIEW:
        raise InvalidTransition("Cette créance n'attend pas votre revue.")
    return claim


def approve(
    claims: ClaimRepository,
    lawyers: LawyerDirectory,
    identity: Identity,
    claim_id: str,
    *,
    note: str,
    resume: Resume,
    now: dt.datetime,
) -> Claim:
    """The lawyer lets the automatic path go on: the claim returns to *assessing*, leaves the lawyer's
    list, and the escalation sends the notice (or the reminder first)."""
    claim = claims.get_for(identity, claim_id)
    if approved(claim):
        return claim  # a double click
    claim = _in_review(claims, identity, claim_id)
    name = lawyer_name(lawyers.find(identity.user_id))
    review = dict(claim.review or {}) | {
        "decision": "approved",
        "decided_at": now.isoformat(),
        "decided_by": identity.user_id,
        "lawyer_name": name,
        "note": note.strip(),
    }
    token = claim.task_token
    context: dict[str, Any] = {"lawyer_name": name}
    if note.strip():
        context["note"] = note.strip()
    updated = claims.transition(
        claim_id,
        ClaimStatus.ASSESSING,
        actor=identity.user_id,
        reason=f"Revue favorable de {name} : la mise en demeure peut être envoyée"
        + (f" — {note.strip()}" if note.strip() else ""),
        change=lambda c: replace(c, assigned_lawyer_id=None, task_token="", review=review),
        notify=Notification("review_approved", context),
        expected_version=claim.version,
        now=now,
    )
    if token:
        _resume(resume, token, {"approved": True})
    return updated


def refuse(
    claims: ClaimRepository,
    lawyers: LawyerDirectory,
    identity: Identity,
    claim_id: str,
    *,
    reason: str,
    resume: Resume,
    refund: Callable[..., Claim],
    now: dt.datetime,
) -> Claim:
    """The lawyer stops the claim: rejected, refunded, and the creditor gets the lawyer's reason. Nothing
    was sent to the debtor. ``refund``: :func:`chalicelib.services.payments.reject_and_refund` bound to
    the claims and the payment gateway."""
    if not reason.strip():
        raise InvalidInput("Indiquez au créancier le motif du refus.", field="reason")
    claim = _in_review(claims, identity, claim_id)
    name = lawyer_name(lawyers.find(identity.user_id))
    review = dict(claim.review or {}) | {
        "decision": "refused",
        "decided_at": now.isoformat(),
        "decided_by": identity.user_id,
        "lawyer_name": name,
        "note": reason.strip(),
    }
    token = claim.task_token
    claims.record(
        claim_id,
        kind=EventKind.LAWYER,
        actor=identity.user_id,
        reason=f"Revue défavorable de {name} : {reason.strip()}",
        change=lambda c: replace(c, assigned_lawyer_id=None, task_token="", review=review),
        expected_version=claim.version,
        now=now,
    )
    updated = refund(
        claim_id,
        reasons=[{"code": "lawyer_review_refused", "message": reason.strip(), "article": ""}],
        actor=identity.user_id,
        reviewed_by=name,
        now=now,
    )
    if token:
        _resume(resume, token, {"approved": False})
    return updated
