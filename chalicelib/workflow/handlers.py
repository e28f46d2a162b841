"""One small handler per state-machine Task: dict in, dict out. No logic here, only wiring."""

from __future__ import annotations

from typing import Any

from chalicelib.adapters.claims_repository import ClaimRepository
from chalicelib.clock import business_now
from chalicelib.domain.errors import InvalidInput
from chalicelib.services import escalation
from chalicelib.settings import get_settings


def check_claim(event: dict[str, Any]) -> dict[str, object]:
    claim_id = event.get("claim_id")
    if not isinstance(claim_id, str) or not claim_id:
        raise InvalidInput("claim_id manquant dans l'entrée de la tâche.", field="claim_id")
    from dataclasses import replace

    from chalicelib.services.review import unreviewed

    claims = ClaimRepository()
    fresh: dict[str, Any] = {}
    result = escalation.check_claim(
        claim_id,
        claims=claims,
        reminder_wait_days=get_settings().reminder_wait_days,
        reassess=lambda claim: _reject_if_blocked(claims, claim, fresh),
        needs_review=lambda claim: unreviewed(
            replace(claim, assessment=fresh.get("assessment", claim.assessment))
        ),
    )
    return result.as_task_output()


def _reject_if_blocked(claims: ClaimRepository, claim: Any, fresh: dict[str, Any]) -> str | None:
    """The pre-check again, on the day the paid claim is processed; a blocked claim is rejected and
    refunded (the creditor is told why). The day's assessment is kept in ``fresh`` (does a lawyer have to
    review it?)."""
    from chalicelib.adapters.accounts_repository import AccountRepository
    from chalicelib.adapters.stripe_gateway import StripeGateway
    from chalicelib.services.claims import assess_claim
    from chalicelib.services.payments import reject_and_refund

    account = AccountRepository().find(claim.creditor_id)
    if account is None or account.creditor is None:
        return None  # nothing to assess against: the operator will look at it
    precheck = assess_claim(claim, account.creditor, get_settings().today())
    fresh["assessment"] = precheck.assessment
    if precheck.can_submit:
        return None
    reject_and_refund(
        claims,
        StripeGateway(),
        claim.claim_id,
        reasons=[blocker.as_dict() for blocker in precheck.blockers],
        actor="plateforme",
        now=business_now(),
    )
    return precheck.blockers[0].message


def import_claims(event: dict[str, Any]) -> dict[str, object]:
    """The bulk import's worker, started by ``POST /v1/imports`` (asynchronous invocation)."""
    from chalicelib.adapters.document_store import DocumentStore
    from chalicelib.adapters.imports_repository import ImportRepository
    from chalicelib.services.bulk_import import run_import

    import_id = event.get("import_id")
    if not isinstance(import_id, str) or not import_id:
        raise InvalidInput("import_id manquant dans l'entrée de la tâche.", field="import_id")
    job = run_import(
        import_id,
        imports=ImportRepository(),
        files=DocumentStore(),
        claims=ClaimRepository(),
        now=business_now,
        notify=_email_import_report,
    )
    return {"import_id": job.import_id, "status": job.status.value, "drafts_created": job.drafts_created}


def _email_import_report(job: Any) -> None:
    from chalicelib.adapters.accounts_repository import AccountRepository
    from chalicelib.adapters.mailer import send_rendered
    from chalicelib.documents.emails import render_email

    account = AccountRepository().find(job.creditor_id)
    if account is None or job.status.value != "done":
        return
    base_url = get_settings().public_url.rstrip("/")
    email = render_email(
        "import_finished",
        {
            "base_url": base_url,
            "drafts_created": job.drafts_created,
            "lines_rejected": job.lines_rejected,
            "report_url": f"{base_url}/#/imports/{job.import_id}",
            "file_name": job.filename,
        },
    )
    send_rendered(account.email, email)


# --- claim emails (outbox) ---------------------------------------------------------------------------


def send_notifications(event: dict[str, Any]) -> dict[str, object]:
    """Started (asynchronously) right after a claim write queued emails: send that claim's pending ones."""
    from chalicelib.services.outbox import deliver_pending

    claim_id = event.get("claim_id")
    report = deliver_pending(claim_id=claim_id if isinstance(claim_id, str) and claim_id else None)
    return report.as_dict()


def sweep_outbox() -> dict[str, object]:
    """Every minute: whatever is still pending (a start that failed, a retry after a send failure)."""
    from chalicelib.services.outbox import deliver_pending

    return deliver_pending().as_dict()
