"""The escalation's Task handlers after the check: dict in, dict out, wiring only (the logic lives in
``chalicelib/services/escalation/`` and ``chalicelib/services/notice/``)."""

from __future__ import annotations

from typing import Any

from chalicelib.adapters.claims_repository import ClaimRepository
from chalicelib.clock import business_now, real_now
from chalicelib.domain.errors import InvalidInput
from chalicelib.services import escalation
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


def _engine() -> Any:
    from chalicelib.adapters.step_functions import StepFunctionsEngine

    return StepFunctionsEngine(get_settings().state_machine_arn)


def _notice_service() -> Any:
    from chalicelib.services import notice

    return notice


def _notice_ports() -> dict[str, Any]:
    from chalicelib.adapters.accounts_repository import AccountRepository
    from chalicelib.adapters.document_store import DocumentStore
    from chalicelib.adapters.mailer import send_rendered
    from chalicelib.adapters.postal import postal_sender

    return {
        "accounts": AccountRepository(),
        "store": DocumentStore(),
        "postal": postal_sender(),
        "send_email": send_rendered,
    }


def send_reminder(event: dict[str, Any]) -> dict[str, object]:
    claim_id = _claim_id(event)
    settings = get_settings()
    ports = _notice_ports()
    outcome = _notice_service().send_reminder(
        claim_id,
        claims=ClaimRepository(),
        accounts=ports["accounts"],
        store=ports["store"],
        send_email=ports["send_email"],
        today=settings.today(),
        now=business_now(),
    )
    return {"sent": bool(outcome.sent)}


def send_notice(event: dict[str, Any]) -> dict[str, object]:
    claim_id = _claim_id(event)
    settings = get_settings()
    claims = ClaimRepository()
    now = business_now()
    outcome = _notice_service().send_notice(
        claim_id, claims=claims, today=settings.today(), now=now, **_notice_ports()
    )
    escalation.mark_notice_sent(claims, claim_id, notification=outcome.notification, now=now)
    wait_until = escalation.wait_timestamp(outcome.deadline_at, today=settings.today(), real_now=real_now())
    return {"deadline_at": wait_until, "deadline": outcome.deadline.isoformat()}


def follow_up(event: dict[str, Any]) -> dict[str, object]:
    waited = (event.get("notice") or {}).get("deadline")
    return escalation.follow_up(
        ClaimRepository(),
        _claim_id(event),
        now=business_now(),
        today=get_settings().today(),
        real_now=real_now(),
        waited_for=waited if isinstance(waited, str) else "",
    )


def offer_escalation(event: dict[str, Any]) -> dict[str, object]:
    settings = get_settings()
    engine = _engine()
    result = escalation.offer_escalation(
        ClaimRepository(),
        _claim_id(event),
        _task_token(event),
        price_cents=settings.price_dossier_cents,
        base_url=settings.public_url,
        resume=engine.send_task_success,
        now=business_now(),
    )
    return {"offer": result}


def close_claim(event: dict[str, Any]) -> dict[str, object]:
    decision = (event.get("decision") or {}).get("decision", "")
    status = escalation.close_claim(
        ClaimRepository(), _claim_id(event), decision=str(decision), now=business_now()
    )
    return {"status": status}


def assemble_dossier(event: dict[str, Any]) -> dict[str, object]:
    from chalicelib.adapters.accounts_repository import AccountRepository
    from chalicelib.adapters.document_store import DocumentStore
    from chalicelib.services.dossier import assemble_claim_dossier

    claims = ClaimRepository()
    result = assemble_claim_dossier(
        claims,
        _claim_id(event),
        accounts=AccountRepository(),
        store=DocumentStore(),
        today=get_settings().today(),
        now=business_now(),
    )
    return {"zip_key": result.zip_key, "pdf_key": result.pdf_key}


def assign_lawyer(event: dict[str, Any]) -> dict[str, object]:
    from chalicelib.adapters.accounts_repository import AccountRepository
    from chalicelib.adapters.document_store import DocumentStore
    from chalicelib.services import lawyers

    result = lawyers.assign(
        ClaimRepository(),
        AccountRepository(),
        _claim_id(event),
        task_token=_task_token(event),
        resume=_engine().send_task_success,
        base_url=get_settings().public_url,
        now=business_now(),
        store=DocumentStore(),
    )
    return {"assignment": result}


def lawyer_no_answer(event: dict[str, Any]) -> dict[str, object]:
    """AssignLawyer timed out (7 days): the silent lawyer is left out, then the assignment runs again."""
    from chalicelib.adapters.document_store import DocumentStore
    from chalicelib.services import lawyers

    released = lawyers.release_unanswered(
        ClaimRepository(), _claim_id(event), now=business_now(), store=DocumentStore()
    )
    return {"released": released}


def request_review(event: dict[str, Any]) -> dict[str, object]:
    """The LawyerReview task: hand the paid claim to a partner lawyer, who answers the task token."""
    from chalicelib.adapters.accounts_repository import AccountRepository
    from chalicelib.services import review

    result = review.request_review(
        ClaimRepository(),
        AccountRepository(),
        _claim_id(event),
        task_token=_task_token(event),
        resume=_engine().send_task_success,
        base_url=get_settings().public_url,
        now=business_now(),
    )
    return {"review": result}


def send_procedure_reminder(event: dict[str, Any]) -> dict[str, object]:
    from chalicelib.services import lawyers

    reminder_id = event.get("reminder_id")
    if not isinstance(reminder_id, str) or not reminder_id:
        raise InvalidInput("reminder_id manquant dans l'entrée de la tâche.", field="reminder_id")
    settings = get_settings()
    sent = lawyers.send_procedure_reminder(
        ClaimRepository(),
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
        ClaimRepository(),
        _claim_id(event),
        error=error if isinstance(error, dict) else {},
        now=business_now(),
    )
    return {"status": status}
