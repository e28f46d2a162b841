"""Starting an execution, and redriving one at the claim's recorded step (after a restart, or by an
operator). Changes with how executions are started and resumed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from chalicelib import clock
from chalicelib.domain.claim import Claim, ClaimStatus, EventKind
from chalicelib.domain.errors import NotFound
from chalicelib.domain.notice_record import NoticeRecord
from chalicelib.domain.notifications import Notification
from chalicelib.domain.payments import CheckoutStatus, PaymentStep
from chalicelib.services.escalation.common import WORKFLOW_ACTOR, logger
from chalicelib.services.escalation.tasks import wait_timestamp
from chalicelib.services.ports import WorkflowEngine

if TYPE_CHECKING:
    from chalicelib.adapters.claims_repository import ClaimRepository


# Where a redriven execution resumes, by the claim's recorded status (see the definition's Route state).
RESUME_AT: Mapping[ClaimStatus, str | None] = {
    ClaimStatus.ASSESSING: None,  # from the start: the check and the notice are idempotent
    ClaimStatus.LAWYER_REVIEW: "review",  # back to waiting for the reviewing lawyer (who is kept)
    ClaimStatus.NOTICE_SENT: "wait_deadline",
    ClaimStatus.ESCALATION_OFFERED: "offer",
    ClaimStatus.DOSSIER_READY: "assign",
}


# ---------------------------------------------------------------------------------------------------
# redrive: start an execution at the claim's step (after a restart, or by an operator)
# ---------------------------------------------------------------------------------------------------
def step_before_attention(claims: ClaimRepository, claim: Claim) -> ClaimStatus | None:
    """The status a claim in ``needs_attention`` was in when its step failed (None if unknown)."""
    for event in reversed(claims.events(claim.claim_id)):
        if event.kind is EventKind.STATUS_CHANGED and event.to_status is ClaimStatus.NEEDS_ATTENTION:
            return event.from_status
    return None


def redrive(
    claims: ClaimRepository,
    engine: WorkflowEngine,
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
        notice = claim.notice or NoticeRecord()
        if not notice.deadline_at:
            resume_at = None  # the notice was never recorded as sent: start again from the check
        else:
            payload["notice"] = {
                "deadline_at": wait_timestamp(
                    notice.deadline_at, today=clock.business_today(), real_now=clock.real_now()
                ),
                "deadline": notice.deadline.isoformat() if notice.deadline else "",
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


def redrive_all(claims: ClaimRepository, engine: WorkflowEngine, *, now: dt.datetime) -> list[str]:
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
