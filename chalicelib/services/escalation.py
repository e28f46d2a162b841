"""Use cases of the escalation state machine (``chalicelib/workflow/escalation.asl.json``), one per Task,
plus what creditors and operators do to a running escalation (accept or decline the offer, report a
payment or a dispute, redrive a stuck claim).

Every step is idempotent: the state machine retries tasks, and a redriven execution replays the step the
claim was in. Status changes go through the repository, which writes the audit event and the creditor's
email (outbox) in the same transaction.
"""

from __future__ import annotations

import datetime as dt
import logging
import random
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, Protocol

from chalicelib import clock
from chalicelib.domain.claim import Claim, ClaimStatus, EventKind
from chalicelib.domain.errors import ConcurrentUpdate, InvalidInput, InvalidTransition, NotFound
from chalicelib.domain.notifications import Notification
from chalicelib.domain.payments import CheckoutStatus, PaymentStep, euros

if TYPE_CHECKING:
    from chalicelib.adapters.claims_repository import ClaimRepository

logger = logging.getLogger("claims.escalation")

WORKFLOW_ACTOR = "plateforme"
_ENDED = frozenset(
    {
        ClaimStatus.WITHDRAWN,
        ClaimStatus.CLOSED,
        ClaimStatus.REJECTED,
        ClaimStatus.SETTLED,
        ClaimStatus.NEEDS_ATTENTION,
    }
)
# Where a redriven execution resumes, by the claim's recorded status (see the definition's Route state).
RESUME_AT: Mapping[ClaimStatus, str | None] = {
    ClaimStatus.ASSESSING: None,  # from the start: the check and the notice are idempotent
    ClaimStatus.LAWYER_REVIEW: "review",  # back to waiting for the reviewing lawyer (who is kept)
    ClaimStatus.NOTICE_SENT: "wait_deadline",
    ClaimStatus.ESCALATION_OFFERED: "offer",
    ClaimStatus.DOSSIER_READY: "assign",
}


class ClaimReader(Protocol):
    def get(self, claim_id: str) -> Claim: ...


class WorkflowEngine(Protocol):
    def start(self, claim_id: str, payload: dict[str, object]) -> str: ...


class Reassessment(Protocol):
    """Re-run the pre-check on a paid claim; refuse and refund it when something now blocks it."""

    def __call__(self, claim: Claim) -> str | None: ...


def iso_z(moment: dt.datetime) -> str:
    """Step Functions' TimestampPath wants RFC 3339 in UTC with a trailing Z."""
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


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
    claims: ClaimRepository, claim_id: str, *, notification: Notification, now: dt.datetime
) -> Claim:
    claim = claims.get(claim_id)
    if claim.status is not ClaimStatus.ASSESSING:
        return claim  # a retried or redriven task: already moved on
    return claims.transition(
        claim_id,
        ClaimStatus.NOTICE_SENT,
        actor=WORKFLOW_ACTOR,
        reason="Mise en demeure envoyée au débiteur",
        notify=notification,
        now=now,
    )


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
) -> dict[str, object]:
    """The notice as recorded now: a first presentation recorded later moves the deadline, in which case
    the execution waits again. Payments reported meanwhile are part of the claim's content: the dossier's
    décompte is computed on the balance.

    ``now``/``today`` are the business clock's, ``waited_for`` the deadline (YYYY-MM-DD) the execution has
    just waited for: the deadline has passed when it has not moved since, or when the business clock is
    past it. The ``deadline_at`` returned is on the real clock, for the next Wait (:func:`wait_timestamp`)."""
    claim = claims.get(claim_id)
    notice = dict(claim.notice or {})
    deadline_at = str(notice.get("deadline_at") or iso_z(now))
    deadline = str(notice.get("deadline") or "")
    passed = dt.datetime.fromisoformat(deadline_at.replace("Z", "+00:00")) <= now or (
        bool(waited_for) and deadline <= waited_for
    )
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
        )
        return "still offered"
    notice = claim.notice or {}
    claims.transition(
        claim_id,
        ClaimStatus.ESCALATION_OFFERED,
        actor=WORKFLOW_ACTOR,
        reason="Délai de la mise en demeure expiré sans paiement : injonction de payer proposée",
        change=lambda c: replace(c, task_token=task_token),
        notify=Notification(
            "escalation_offered",
            {
                "deadline": str(notice.get("deadline") or clock.day_of(now).isoformat()),
                "escalation_price": euros(price_cents),
                "accept_url": f"{base_url.rstrip('/')}/#/creances/{claim_id}",
                "offer_expires_on": (clock.day_of(now) + dt.timedelta(days=30)).isoformat(),
                "amount_claimed": str(notice.get("amount_claimed") or euros(claim.principal_cents)),
                "small_claims_eligible": bool(
                    ((claim.assessment or {}).get("route") or {}).get("small_claims_eligible")
                ),
            },
        ),
        now=now,
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


# ---------------------------------------------------------------------------------------------------
# creditor's reports on a running escalation
# ---------------------------------------------------------------------------------------------------
_SETTLEABLE = frozenset(
    {
        ClaimStatus.NOTICE_SENT,
        ClaimStatus.DISPUTED,
        ClaimStatus.ESCALATION_OFFERED,
        ClaimStatus.DOSSIER_READY,
        ClaimStatus.WITH_LAWYER,
        ClaimStatus.FILED,
        # after the order the debtor may still pay (or be made to): the claim is settled
        ClaimStatus.ORDER_GRANTED,
        ClaimStatus.ORDER_REJECTED,
        ClaimStatus.SERVED,
        ClaimStatus.OPPOSED,
        ClaimStatus.ENFORCEMENT,
    }
)


def report_paid_in_full(
    claims: ClaimRepository,
    claim_id: str,
    *,
    actor: str,
    note: str,
    resume: Callable[[str, dict[str, Any]], None],
    now: dt.datetime,
) -> Claim:
    """The debtor paid: the claim is settled now; a waiting execution notices it at its next read (or at
    once when it waits for the creditor's answer)."""
    claim = claims.get(claim_id)
    if claim.status not in _SETTLEABLE:
        raise InvalidTransition(
            "Le paiement complet ne peut être déclaré qu'après l'envoi de la mise en demeure."
        )
    token = claim.task_token if claim.status is ClaimStatus.ESCALATION_OFFERED else ""
    updated = claims.transition(
        claim_id,
        ClaimStatus.SETTLED,
        actor=actor,
        reason=f"Le créancier déclare la créance réglée{f' : {note}' if note else ''}",
        change=lambda c: replace(c, task_token="" if token else c.task_token),
        notify=Notification("settled", {"settled_on": clock.day_of(now).isoformat()}),
        now=now,
    )
    if token:
        resume(token, {"decision": "settled"})
    return updated


def record_debtor_payment(
    claims: ClaimRepository,
    claim_id: str,
    *,
    actor: str,
    paid_on: dt.date,
    amount: Any,
    resume: Callable[[str, dict[str, Any]], None],
    now: dt.datetime,
    attempts: int = 8,
) -> Claim:
    """The debtor paid part of the claim after the notice: the payment joins the claim's content, so the
    amounts, the décompte and the dossier are computed on the balance from now on. A payment that covers
    the whole principal still due settles the claim.

    The new content is computed from the claim as read and written only if nobody changed the claim since
    (its version): two payments recorded at once never overwrite each other. The one that loses the race
    reads the claim again and is recorded on top (``attempts`` times at most, then a 409)."""
    for attempt in range(attempts):
        try:
            return _record_debtor_payment(
                claims, claim_id, actor=actor, paid_on=paid_on, amount=amount, resume=resume, now=now
            )
        except ConcurrentUpdate:
            if attempt == attempts - 1:
                raise
            time.sleep(random.uniform(0.005, 0.03) * (attempt + 1))  # spread the writers out
    raise AssertionError("unreachable")


def _record_debtor_payment(
    claims: ClaimRepository,
    claim_id: str,
    *,
    actor: str,
    paid_on: dt.date,
    amount: Any,
    resume: Callable[[str, dict[str, Any]], None],
    now: dt.datetime,
) -> Claim:
    from chalicelib.domain.claim_content import MAX_AMOUNT, ClaimContent, PaymentPart, parse_amount

    claim = claims.get(claim_id)
    if claim.status not in _SETTLEABLE or claim.content is None:
        raise InvalidTransition(
            "Un paiement du débiteur ne peut être déclaré qu'après l'envoi de la mise en demeure."
        )
    try:
        value = parse_amount(amount)
    except ValueError as error:
        raise InvalidInput(str(error), field="amount") from None
    if value <= 0:
        raise InvalidInput("Le montant doit être supérieur à zéro.", field="amount")
    if value > MAX_AMOUNT:
        raise InvalidInput("Le montant dépasse 10 000 000 € : vérifiez la saisie.", field="amount")
    if paid_on > clock.day_of(now):
        raise InvalidInput("La date du paiement ne peut pas être dans le futur.", field="date")
    content = ClaimContent.model_validate(claim.content)
    balance = content.balance
    updated_content = content.model_copy(
        update={"payments": [*content.payments, PaymentPart(date=paid_on, amount=value)]}
    )
    if value >= balance:
        claims.record(
            claim_id,
            kind=EventKind.PAYMENT,
            actor=actor,
            reason=f"Paiement du débiteur : {_fr(value)} le {paid_on.strftime('%d/%m/%Y')} (solde réglé)",
            change=lambda c: replace(c, content=updated_content.as_json()),
            expected_version=claim.version,
            now=now,
        )
        return report_paid_in_full(
            claims, claim_id, actor=actor, note="paiement du solde", resume=resume, now=now
        )
    remaining = balance - value
    return claims.record(
        claim_id,
        kind=EventKind.PAYMENT,
        actor=actor,
        reason=(
            f"Paiement partiel du débiteur : {_fr(value)} le {paid_on.strftime('%d/%m/%Y')} ; "
            f"reste dû en principal : {_fr(remaining)}"
        ),
        change=lambda c: replace(c, content=updated_content.as_json()),
        expected_version=claim.version,
        now=now,
    )


def _fr(amount: Any) -> str:
    """``Decimal("1234.5")`` → ``1 234,50 €`` (babel's French format)."""
    from chalicelib.documents.formatting import euros as french_euros

    return french_euros(amount)


def report_dispute(
    claims: ClaimRepository, claim_id: str, *, actor: str, summary: str, now: dt.datetime
) -> Claim:
    claim = claims.get(claim_id)
    if claim.status is not ClaimStatus.NOTICE_SENT:
        raise InvalidTransition(
            "Une contestation ne peut être signalée qu'après l'envoi de la mise en demeure."
        )
    return claims.transition(
        claim_id,
        ClaimStatus.DISPUTED,
        actor=actor,
        reason=f"Le débiteur conteste la créance : {summary}",
        notify=Notification(
            "disputed",
            {"disputed_on": clock.day_of(now).isoformat(), "dispute_summary": summary or "non précisé"},
        ),
        now=now,
    )


# ---------------------------------------------------------------------------------------------------
# redrive: start an execution at the claim's step (after a restart, or by an operator)
# ---------------------------------------------------------------------------------------------------
class Executions(Protocol):
    def start_once(self, name: str, payload: dict[str, Any]) -> str: ...
    def execution_arn(self, name: str) -> str: ...
    def is_running(self, execution_arn: str) -> bool: ...


def step_before_attention(claims: ClaimRepository, claim: Claim) -> ClaimStatus | None:
    """The status a claim in ``needs_attention`` was in when its step failed (None if unknown)."""
    for event in reversed(claims.events(claim.claim_id)):
        if event.kind is EventKind.STATUS_CHANGED and event.to_status is ClaimStatus.NEEDS_ATTENTION:
            return event.from_status
    return None


def redrive(
    claims: ClaimRepository,
    engine: Executions,
    claim: Claim,
    *,
    now: dt.datetime,
    actor: str = WORKFLOW_ACTOR,
) -> str | None:
    """Start an execution where ``claim`` stands, unless one is running for it. Returns its ARN.

    A claim in ``needs_attention`` (a step failed for good, e.g. during an outage) goes back to the status
    it was in when the step failed and resumes there: the operator's redrive once the cause is fixed."""
    if claim.status is ClaimStatus.NEEDS_ATTENTION:
        previous = step_before_attention(claims, claim)
        if previous is None or previous not in RESUME_AT:
            return None
        if claim.execution_arn and engine.is_running(claim.execution_arn):
            return None
        claim = claims.transition(
            claim.claim_id,
            previous,
            actor=actor,
            reason="Relancée par l'équipe après l'incident : le traitement reprend à son étape",
            notify=[Notification("claim_resumed", {"status_label": _status_label(previous)})],
            expected_version=claim.version,
            now=now,
        )
    if claim.status not in RESUME_AT:
        return None
    if claim.execution_arn and engine.is_running(claim.execution_arn):
        return None
    payload: dict[str, Any] = {"claim_id": claim.claim_id}
    resume_at = RESUME_AT[claim.status]
    if resume_at == "wait_deadline":
        notice = claim.notice or {}
        if not notice.get("deadline_at"):
            resume_at = None  # the notice was never recorded as sent: start again from the check
        else:
            payload["notice"] = {
                "deadline_at": wait_timestamp(
                    str(notice["deadline_at"]), today=clock.business_today(), real_now=clock.real_now()
                ),
                "deadline": notice.get("deadline", ""),
            }
    if resume_at == "offer":
        dossier = claim.checkout_for(PaymentStep.DOSSIER)
        if dossier is not None and dossier.status is CheckoutStatus.PAID:
            resume_at = "dossier"  # the creditor accepted and paid: assemble it, never offer it again
    if resume_at is not None:
        payload["resume_at"] = resume_at
    name = f"{claim.claim_id}-redrive-{claim.event_count}"
    execution = engine.execution_arn(name)
    # Recorded before the start, so the execution's first writes never race this one.
    claims.record(
        claim.claim_id,
        kind=EventKind.NOTE,
        actor=WORKFLOW_ACTOR,
        reason="Traitement repris là où il s'était arrêté",
        change=lambda c: replace(c, execution_arn=execution),
        now=now,
    )
    return engine.start_once(name, payload)


def _status_label(status: ClaimStatus) -> str:
    from chalicelib.domain.claim import STATUS_LABELS_FR

    return STATUS_LABELS_FR[status]


def redrive_all(claims: ClaimRepository, engine: Executions, *, now: dt.datetime) -> list[str]:
    """Every claim mid-workflow without a running execution gets one (the local platform does this at
    start; an operator can do it for one claim)."""
    started = []
    for claim in claims.in_statuses(tuple(RESUME_AT)):
        try:
            execution = redrive(claims, engine, claim, now=now)
        except NotFound:
            continue
        except Exception:
            logger.exception("could not redrive claim %s", claim.claim_id)
            continue
        if execution:
            started.append(claim.claim_id)
    return started


def start_escalation(claim_id: str, *, engine: WorkflowEngine) -> str:
    return engine.start(claim_id, {"claim_id": claim_id})
