"""The escalation's Task handlers after the check: dict in, dict out, wiring only (the logic lives in
``chalicelib/services/``: escalation/, notice/, lawyers/, review; the adapters come from the composition
root, ``chalicelib/bootstrap.py``)."""

from __future__ import annotations

from typing import Any

from chalicelib import bootstrap
from chalicelib.clock import business_now, real_now
from chalicelib.services import escalation, lawyers, notice, review
from chalicelib.services.dossier import assemble_claim_dossier
from chalicelib.settings import get_settings
from chalicelib.workflow.inputs import (
    CallbackInput,
    CloseInput,
    FollowUpInput,
    NeedsAttentionInput,
    ProcedureReminderInput,
    TaskInput,
    parse,
)


def _claim_id(event: dict[str, Any]) -> str:
    return parse(TaskInput, event).claim_id


def send_reminder(event: dict[str, Any]) -> dict[str, object]:
    claim_id = _claim_id(event)
    outcome = notice.send_reminder(
        claim_id,
        claims=bootstrap.claims(),
        accounts=bootstrap.accounts(),
        store=bootstrap.documents(),
        send_email=bootstrap.send_email,
        today=get_settings().today(),
        now=business_now(),
    )
    return {"sent": bool(outcome.sent)}


def send_notice(event: dict[str, Any]) -> dict[str, object]:
    claim_id = _claim_id(event)
    today = get_settings().today()
    claims = bootstrap.claims()
    now = business_now()
    outcome = notice.send_notice(
        claim_id,
        claims=claims,
        accounts=bootstrap.accounts(),
        store=bootstrap.documents(),
        postal=bootstrap.postal(),
        send_email=bootstrap.send_email,
        today=today,
        now=now,
    )
    escalation.mark_notice_sent(
        claims, claim_id, notification=outcome.notification, now=now, current=outcome.claim
    )
    wait_until = escalation.wait_timestamp(outcome.deadline_at, today=today, real_now=real_now())
    return {"deadline_at": wait_until, "deadline": outcome.deadline.isoformat()}


def follow_up(event: dict[str, Any]) -> dict[str, object]:
    from chalicelib.services import debtor_declarations

    task = parse(FollowUpInput, event)
    return escalation.follow_up(
        bootstrap.claims(),
        task.claim_id,
        now=business_now(),
        today=get_settings().today(),
        real_now=real_now(),
        waited_for=task.notice.deadline,
        plan_until=lambda claim_id, today: debtor_declarations.plan_wait_until(
            bootstrap.debtor_declarations(), bootstrap.claims(), claim_id, today
        ),
    )


def _stopped_by_proceedings(claim_id: str) -> str | None:
    """RULEBOOK 2.9: the BODACC checked before each escalation step (see services/debtor_check.py)."""
    from chalicelib.services import debtor_check

    return debtor_check.stop_for_proceedings(
        bootstrap.claims(),
        bootstrap.accounts(),
        claim_id,
        debtor_check.bodacc_source(),
        today=get_settings().today(),
        now=business_now(),
    )


def offer_escalation(event: dict[str, Any]) -> dict[str, object]:
    task = parse(CallbackInput, event)
    settings = get_settings()
    if _stopped_by_proceedings(task.claim_id):
        # No injonction against a debtor in collective proceedings: the execution closes the claim.
        bootstrap.engine().send_task_success(task.task_token, {"decision": "proceedings"})
        return {"offer": "blocked"}
    result = escalation.offer_escalation(
        bootstrap.claims(),
        task.claim_id,
        task.task_token,
        price_cents=settings.price_dossier_cents,
        base_url=settings.public_url,
        resume=bootstrap.engine().send_task_success,
        now=business_now(),
    )
    return {"offer": result}


def close_claim(event: dict[str, Any]) -> dict[str, object]:
    task = parse(CloseInput, event)
    status = escalation.close_claim(
        bootstrap.claims(), task.claim_id, decision=task.decision.decision, now=business_now()
    )
    return {"status": status}


def assemble_dossier(event: dict[str, Any]) -> dict[str, object]:
    claim_id = _claim_id(event)
    blocked = _stopped_by_proceedings(claim_id)
    if blocked:
        # The dossier fee was paid: the operator refunds it (MarkNeedsAttention), nothing is assembled.
        raise escalation.BlockedByProceedings(f"Dossier non constitué : {blocked}")
    result = assemble_claim_dossier(
        bootstrap.claims(),
        claim_id,
        accounts=bootstrap.accounts(),
        store=bootstrap.documents(),
        today=get_settings().today(),
        now=business_now(),
    )
    return {"zip_key": result.zip_key, "pdf_key": result.pdf_key}


def assign_lawyer(event: dict[str, Any]) -> dict[str, object]:
    task = parse(CallbackInput, event)
    result = lawyers.assign(
        bootstrap.claims(),
        bootstrap.accounts(),
        task.claim_id,
        task_token=task.task_token,
        resume=bootstrap.engine().send_task_success,
        base_url=get_settings().public_url,
        now=business_now(),
        store=bootstrap.documents(),
    )
    return {"assignment": result}


def lawyer_no_answer(event: dict[str, Any]) -> dict[str, object]:
    """AssignLawyer timed out (7 days): the silent lawyer is left out, then the assignment runs again."""
    claim_id = _claim_id(event)
    released = lawyers.release_unanswered(
        bootstrap.claims(), claim_id, now=business_now(), store=bootstrap.documents()
    )
    return {"released": released}


def request_review(event: dict[str, Any]) -> dict[str, object]:
    """The LawyerReview task: hand the paid claim to a partner lawyer, who answers the task token."""
    task = parse(CallbackInput, event)
    result = review.request_review(
        bootstrap.claims(),
        bootstrap.accounts(),
        task.claim_id,
        task_token=task.task_token,
        resume=bootstrap.engine().send_task_success,
        base_url=get_settings().public_url,
        now=business_now(),
    )
    return {"review": result}


def send_procedure_reminder(event: dict[str, Any]) -> dict[str, object]:
    task = parse(ProcedureReminderInput, event)
    settings = get_settings()
    sent = lawyers.send_procedure_reminder(
        bootstrap.claims(),
        task.claim_id,
        task.reminder_id,
        base_url=settings.public_url,
        today=settings.today(),
        now=business_now(),
    )
    return {"sent": sent}


def mark_needs_attention(event: dict[str, Any]) -> dict[str, object]:
    task = parse(NeedsAttentionInput, event)
    status = escalation.mark_needs_attention(
        bootstrap.claims(), task.claim_id, error=task.error.as_mapping(), now=business_now()
    )
    return {"status": status}
