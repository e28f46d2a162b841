"""The state machine's tasks (``chalicelib/workflow/escalation.asl.json``), in the order they run: check,
notice sent, follow-up after the deadline, the injonction de payer offer and its answer, closing, and the
operator's hand-over on failure. Changes with the workflow's definition.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from chalicelib import clock
from chalicelib.domain.claim import Claim, ClaimStatus, EventKind
from chalicelib.domain.errors import ConcurrentUpdate, InvalidInput, InvalidTransition
from chalicelib.domain.notice_record import NoticeRecord
from chalicelib.domain.notifications import Notification
from chalicelib.domain.payments import euros
from chalicelib.services.escalation.common import (
    _ENDED,
    WORKFLOW_ACTOR,
    Reassessment,
    iso_z,
)
from chalicelib.services.ports import (
    ClaimReader,
)

if TYPE_CHECKING:
    from chalicelib.adapters.claims_repository import ClaimRepository


class BlockedByProceedings(Exception):
    """A step found the debtor in collective proceedings after the creditor paid for it: an operator takes
    the claim over (refund, declaration), nothing is produced."""


# ---------------------------------------------------------------------------------------------------
# 1. check
# ---------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class ClaimCheck:
    admissible: bool
    reason: str
    reminder: bool = False
    reminder_wait_seconds: int = 0
    # A partner lawyer must decide before any letter (chalicelib/services/review.py).
    review: bool = False

    def as_task_output(self) -> dict[str, object]:
        return {
            "admissible": self.admissible,
            "reason": self.reason,
            "reminder": self.reminder,
            "reminder_wait_seconds": self.reminder_wait_seconds,
            "review": self.review,
        }


def check_claim(
    claim_id: str,
    *,
    claims: ClaimReader,
    reminder_wait_days: int,
    reassess: Reassessment | None = None,
    needs_review: Callable[[Claim], bool] | None = None,
) -> ClaimCheck:
    """May the escalation go on? A paid claim (*assessing*) is assessed again on the day: if the law now
    blocks it (the debtor went into liquidation, the claim became time-barred…), ``reassess`` rejects and
    refunds it and returns the reason. ``needs_review``: whether a partner lawyer must decide before any
    letter (prescription at risk…; the lawyer's approval, once given, is kept). A consumer debtor gets a
    courteous reminder first, unless the creditor chose otherwise."""
    claim = claims.get(claim_id)
    if claim.status in _ENDED:
        return ClaimCheck(False, f"La créance est au statut « {claim.status.value} ».")
    if reassess is not None and claim.status is ClaimStatus.ASSESSING and claim.content is not None:
        refused = reassess(claim)
        if refused is not None:
            return ClaimCheck(False, refused)
    review = claim.status is ClaimStatus.LAWYER_REVIEW or (
        claim.status is ClaimStatus.ASSESSING and needs_review is not None and needs_review(claim)
    )
    reminder = claim.status in {ClaimStatus.ASSESSING, ClaimStatus.LAWYER_REVIEW} and _wants_reminder(claim)
    return ClaimCheck(
        True,
        "Un avocat partenaire examine la créance avant tout envoi."
        if review
        else "La créance peut suivre son cours.",
        reminder=reminder,
        reminder_wait_seconds=reminder_wait_days * 86400 if reminder else 0,
        review=review,
    )


def _wants_reminder(claim: Claim) -> bool:
    if claim.content is None:
        return False
    from chalicelib.domain.claim_content import ClaimContent

    return ClaimContent.model_validate(claim.content).wants_reminder


# ---------------------------------------------------------------------------------------------------
# 3. notice sent → the claim moves to notice_sent
# ---------------------------------------------------------------------------------------------------
def mark_notice_sent(
    claims: ClaimRepository,
    claim_id: str,
    *,
    notification: Notification,
    now: dt.datetime,
    current: Claim | None = None,
) -> Claim:
    """``current``: the claim as the notice step just left it, so the task reads it once. The move is
    written only if nobody wrote the claim since (its version); otherwise, and whenever ``current`` says
    there is nothing to do, the claim is read afresh and decided on as without it."""
    if current is None or current.claim_id != claim_id:
        claim, fresh = claims.get(claim_id), True
    else:
        claim, fresh = current, False
    resent = claim.status is ClaimStatus.NEEDS_ATTENTION and bool(
        claim.notice and claim.notice.is_sent and claim.notice.extra.get("returned")
    )
    if claim.status is not ClaimStatus.ASSESSING and not resent:
        if not fresh:
            return mark_notice_sent(claims, claim_id, notification=notification, now=now)
        return claim  # a retried or redriven task: already moved on
    try:
        return claims.transition(
            claim_id,
            ClaimStatus.NOTICE_SENT,
            actor=WORKFLOW_ACTOR,
            reason="Mise en demeure envoyée au débiteur",
            notify=notification,
            now=now,
            current=claim,
        )
    except ConcurrentUpdate:
        if fresh:
            raise
        return mark_notice_sent(claims, claim_id, notification=notification, now=now)


# ---------------------------------------------------------------------------------------------------
# 4. after the deadline
# ---------------------------------------------------------------------------------------------------
def follow_up(
    claims: ClaimReader,
    claim_id: str,
    *,
    now: dt.datetime,
    today: dt.date,
    real_now: dt.datetime,
    waited_for: str = "",
    plan_until: Callable[[str, dt.date], dt.date | None] | None = None,
) -> dict[str, object]:
    """The notice as recorded now: a first presentation recorded later moves the deadline, in which case
    the execution waits again. Payments reported meanwhile are part of the claim's content: the dossier's
    décompte is computed on the balance.

    ``plan_until``: the day to wait for instead when the debtor keeps a payment plan the creditor accepted
    (None: no such plan, or it was not kept). ``now``/``today`` are the business clock's, ``waited_for`` the
    deadline (YYYY-MM-DD) the execution has just waited for: the deadline has passed when it has not moved
    since, or when the business clock is past it. The ``deadline_at`` returned is on the real clock, for
    the next Wait (:func:`wait_timestamp`)."""
    claim = claims.get(claim_id)
    notice = claim.notice or NoticeRecord()
    returned = getattr(claim, "status", None) is ClaimStatus.NEEDS_ATTENTION and (
        notice.delivery.get("outcome") == "undeliverable" or not notice.is_sent
    )
    if returned:
        # The letter came back undeliverable (issue 23): nothing runs until the creditor's corrected
        # address has sent it again; look again tomorrow.
        again = iso_z(now + dt.timedelta(days=1))
        return {
            "deadline_at": wait_timestamp(again, today=today, real_now=real_now),
            "deadline": (today + dt.timedelta(days=1)).isoformat(),
            "deadline_passed": False,
        }
    deadline_at = notice.deadline_at or iso_z(now)
    deadline = notice.deadline.isoformat() if notice.deadline else ""
    passed = dt.datetime.fromisoformat(deadline_at.replace("Z", "+00:00")) <= now or (
        bool(waited_for) and deadline <= waited_for
    )
    until = plan_until(claim_id, today) if passed and plan_until is not None else None
    if until is not None:
        # A payment plan the creditor accepted is being kept: the injonction waits for its next
        # instalment's day (issue 22); a missed one, or the plan's end unpaid, brings the offer back.
        resume_at = iso_z(dt.datetime.combine(until, dt.time(9, 0), tzinfo=clock.PARIS).astimezone(dt.UTC))
        return {
            "deadline_at": wait_timestamp(resume_at, today=today, real_now=real_now),
            "deadline": until.isoformat(),
            "deadline_passed": False,
        }
    return {
        "deadline_at": wait_timestamp(deadline_at, today=today, real_now=real_now),
        "deadline": deadline,
        "deadline_passed": passed,
    }


def wait_timestamp(deadline_at: str, *, today: dt.date, real_now: dt.datetime) -> str:
    """A business moment (``…Z``) as the real instant a Step Functions Wait waits for
    (:func:`chalicelib.clock.to_real_clock`: the same on AWS, shifted by whole days on a local platform
    whose business date is set back)."""
    moment = dt.datetime.fromisoformat(deadline_at.replace("Z", "+00:00"))
    return iso_z(clock.to_real_clock(moment, today=today, real=real_now))


# ---------------------------------------------------------------------------------------------------
# 5. offer the injonction de payer (callback)
# ---------------------------------------------------------------------------------------------------
def offer_escalation(
    claims: ClaimRepository,
    claim_id: str,
    task_token: str,
    *,
    price_cents: int,
    base_url: str,
    resume: Callable[[str, dict[str, Any]], None],
    now: dt.datetime,
) -> str:
    """Store the task token on the claim and offer the creditor the next step. A claim settled or
    withdrawn meanwhile answers the callback at once (the execution then closes it)."""
    claim = claims.get(claim_id)
    if claim.status in _ENDED or claim.status is ClaimStatus.DISPUTED:
        resume(task_token, {"decision": claim.status.value})
        return "ended"
    if claim.status is ClaimStatus.ESCALATION_OFFERED:  # redriven: keep the offer, take the new token
        claims.record(
            claim_id,
            kind=EventKind.NOTE,
            actor=WORKFLOW_ACTOR,
            reason="Proposition d'injonction de payer toujours en attente de votre réponse",
            change=lambda c: replace(c, task_token=task_token),
            now=now,
            current=claim,
        )
        return "still offered"
    notice = claim.notice or NoticeRecord()
    claims.transition(
        claim_id,
        ClaimStatus.ESCALATION_OFFERED,
        actor=WORKFLOW_ACTOR,
        reason="Délai de la mise en demeure expiré sans paiement : injonction de payer proposée",
        change=lambda c: replace(c, task_token=task_token),
        notify=Notification(
            "escalation_offered",
            {
                "deadline": (notice.deadline or clock.day_of(now)).isoformat(),
                "escalation_price": euros(price_cents),
                "accept_url": f"{base_url.rstrip('/')}/#/creances/{claim_id}",
                "offer_expires_on": (clock.day_of(now) + dt.timedelta(days=30)).isoformat(),
                "amount_claimed": notice.amount_claimed or euros(claim.principal_cents),
                "small_claims_eligible": bool(
                    ((claim.assessment or {}).get("route") or {}).get("small_claims_eligible")
                ),
            },
        ),
        now=now,
        current=claim,
    )
    return "offered"


def decide_escalation(
    claims: ClaimRepository,
    claim_id: str,
    *,
    decision: str,
    actor: str,
    resume: Callable[[str, dict[str, Any]], None],
    now: dt.datetime,
) -> Claim:
    """The creditor declines the offer (accepting it is paying for the dossier)."""
    claim = claims.get(claim_id)
    if claim.status is not ClaimStatus.ESCALATION_OFFERED or not claim.task_token:
        raise InvalidTransition("Aucune proposition d'injonction de payer n'attend votre réponse.")
    if decision != "decline":
        raise InvalidInput("Décision inconnue : « decline » est attendu (accepter, c'est payer le dossier).")
    updated = claims.record(
        claim_id,
        kind=EventKind.NOTE,
        actor=actor,
        reason="Le créancier a décliné l'injonction de payer",
        change=lambda c: replace(c, task_token=""),
        now=now,
    )
    resume(claim.task_token, {"decision": "declined"})
    return updated


def close_claim(claims: ClaimRepository, claim_id: str, *, decision: str, now: dt.datetime) -> str:
    claim = claims.get(claim_id)
    if claim.status in {ClaimStatus.CLOSED, ClaimStatus.WITHDRAWN, ClaimStatus.REJECTED}:
        return claim.status.value
    reasons = {
        "declined": "Clôturée : le créancier a décliné l'injonction de payer",
        "timeout": "Clôturée : pas de réponse à la proposition d'injonction de payer dans les 30 jours",
        "settled": "Clôturée : créance réglée",
        "proceedings": (
            "Clôturée : le débiteur est en procédure collective (publiée au BODACC) ; l'injonction de payer "
            "est interdite (C. com. L622-21) et la créance est à déclarer au mandataire judiciaire ou au "
            "liquidateur (déclaration pré-remplie dans votre espace)"
        ),
    }
    target = ClaimStatus.CLOSED
    claims.transition(
        claim_id,
        target,
        actor=WORKFLOW_ACTOR,
        reason=reasons.get(decision, "Clôturée"),
        change=lambda c: replace(c, task_token=""),
        now=now,
    )
    return target.value


# 6. the lawyer's assignment (callback) lives in chalicelib/services/lawyers.py


# ---------------------------------------------------------------------------------------------------
# failure: an operator takes over, nothing is lost
# ---------------------------------------------------------------------------------------------------
def mark_needs_attention(
    claims: ClaimRepository, claim_id: str, *, error: Mapping[str, Any], now: dt.datetime
) -> str:
    claim = claims.get(claim_id)
    if claim.status is ClaimStatus.NEEDS_ATTENTION or claim.status in _ENDED:
        return claim.status.value
    summary = f"{error.get('Error', 'Erreur')} : {str(error.get('Cause', ''))[:300]}"
    claims.transition(
        claim_id,
        ClaimStatus.NEEDS_ATTENTION,
        actor=WORKFLOW_ACTOR,
        reason=f"Étape automatique en échec, confiée à l'équipe ({claim.status.value}) — {summary}",
        notify=[
            Notification("needs_attention", {}),
            Notification(
                "operator_alert", {"previous_status": claim.status.value, "error": summary}, to="operator"
            ),
        ],
        now=now,
    )
    return ClaimStatus.NEEDS_ATTENTION.value
