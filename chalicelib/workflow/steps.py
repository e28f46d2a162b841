"""The escalation's Task handlers after the check: dict in, dict out, wiring only (the logic lives in
``chalicelib/services/``: escalation/, notice/, lawyers/, review; the adapters come from the composition
root, ``chalicelib/bootstrap.py``)."""

from __future__ import annotations

from typing import Any

from chalicelib import bootstrap
from chalicelib.clock import business_now, real_now
from chalicelib.domain.errors import InvalidInput
from chalicelib.services import escalation, lawyers, notice, review
from chalicelib.services.dossier import assemble_claim_dossier
from chalicelib.settings import get_settings


def _claim_id(event: dict[str, Any]) -> str:
    claim_id = event.get("claim_id")
    if not isinstance(claim_id, str) or not claim_id:
        raise InvalidInput("claim_id manquant dans l'entrée de la tâche.", field="claim_id")
    return claim_id


def _task_token(event: dict[str, Any]) -> str:
    token = event.get("task_token")
    if not isinstance(token, str) or not token:
        raise InvalidInput("task_token manquant dans l'entrée de la tâche.", field="task_token")
    return token


def send_reminder(event: dict[str, Any]) -> dict[str, object]:
    outcome = notice.send_reminder(
        _claim_id(event),
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
    escalation.mark_notice_sent(claims, claim_id, notification=outcome.notification, now=now)
    wait_until = escalation.wait_timestamp(outcome.deadline_at, today=today, real_now=real_now())
    return {"deadline_at": wait_until, "deadline": outcome.deadline.isoformat()}


def follow_up(event: dict[str, Any]) -> dict[str, object]:
    waited = (event.get("notice") or {}).get("deadline")
    return escalation.follow_up(
        bootstrap.claims(),
        _claim_id(event),
        now=business_now(),
        today=get_settings().today(),
        real_now=real_now(),
        waited_for=waited if isinstance(waited, str) else "",
    )


def offer_escalation(event: dict[str, Any]) -> dict[str, object]:
    settings = get_settings()
    result = escalation.offer_escalation(
        bootstrap.claims(),
        _claim_id(event),
        _task_token(event),
        price_cents=settings.price_dossier_cents,
        base_url=settings.public_url,
        resume=bootstrap.engine().send_task_success,
        now=business_now(),
    )
    return {"offer": result}


def close_claim(event: dict[str, Any]) -> dict[str, object]:
    decision = (event.get("decision") or {}).get("decision", "")
    status = escalation.close_claim(
        bootstrap.claims(), _claim_id(event), decision=str(decision), now=business_now()
    )
    return {"status": status}


def assemble_dossier(event: dict[str, Any]) -> dict[str, object]:
    result = assemble_claim_dossier(
        bootstrap.claims(),
        _claim_id(event),
        accounts=bootstrap.accounts(),
        store=bootstrap.documents(),
        today=get_settings().today(),
        now=business_now(),
    )
    return {"zip_key": result.zip_key, "pdf_key": result.pdf_key}


def assign_lawyer(event: dict[str, Any]) -> dict[str, object]:
    result = lawyers.assign(
        bootstrap.claims(),
        bootstrap.accounts(),
        _claim_id(event),
        task_token=_task_token(event),
        resume=bootstrap.engine().send_task_success,
        base_url=get_settings().public_url,
        now=business_now(),
        store=bootstrap.documents(),
    )
    return {"assignment": result}


def lawyer_no_answer(event: dict[str, Any]) -> dict[str, object]:
    """AssignLawyer timed out (7 days): the silent lawyer is left out, then the assignment runs again."""
    released = lawyers.release_unanswered(
        bootstrap.claims(), _claim_id(event), now=business_now(), store=bootstrap.documents()
    )
    return {"released": released}


def request_review(event: dict[str, Any]) -> dict[str, object]:
    """The LawyerReview task: hand the paid claim to a partner lawyer, who answers the task token."""
    result = review.request_review(
        bootstrap.claims(),
        bootstrap.accounts(),
        _claim_id(event),
        task_token=_task_token(event),
        resume=bootstrap.engine().send_task_success,
        base_url=get_settings().public_url,
        now=business_now(),
    )
    return {"review": result}


def send_procedure_reminder(event: dict[str, Any]) -> dict[str, object]:
    reminder_id = event.get("reminder_id")
    if not isinstance(reminder_id, str) or not reminder_id:
        raise InvalidInput("reminder_id manquant dans l'entrée de la tâche.", field="reminder_id")
    settings = get_settings()
    sent = lawyers.send_procedure_reminder(
        bootstrap.claims(),
        _claim_id(event),
        reminder_id,
        base_url=settings.public_url,
        today=settings.today(),
        now=business_now(),
    )
    return {"sent": sent}


def mark_needs_attention(event: dict[str, Any]) -> dict[str, object]:
    error = event.get("error") or {}
    status = escalation.mark_needs_attention(
        bootstrap.claims(),
        _claim_id(event),
        error=error if isinstance(error, dict) else {},
        now=business_now(),
    )
    return {"status": status}
